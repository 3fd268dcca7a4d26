import { z } from 'zod';
import { parseRequestId } from '../../domain/states.js';

/** The shapes request and assignment services parse their input with. */

export const idSchema = z.coerce.number().int().positive();

/** `R-1042`, `1042` or 1042. */
export const requestIdSchema = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const id = typeof value === 'number' ? value : parseRequestId(value);
  if (id === null || !Number.isSafeInteger(id) || id <= 0) {
    ctx.addIssue({ code: 'custom', message: 'must be a request id like R-1042' });
    return z.NEVER;
  }
  return id;
});

const blankToUndefined = (value: unknown) => (value === null || value === '' ? undefined : value);

export const optionalDate = z.preprocess(blankToUndefined, z.coerce.date().optional());

export const optionalText = (max: number, what: string) =>
  z.preprocess(
    blankToUndefined,
    z.string().trim().max(max, `keep the ${what} to ${max} characters or fewer`).optional(),
  );

export const slackUserId = z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'must be a Slack user id like U0123ABCD');
