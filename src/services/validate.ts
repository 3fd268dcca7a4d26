import type { z } from 'zod';
import { GatehouseError } from '../domain/errors.js';

/** Parses service input; a failure is `input.invalid` naming each field, fit to show a person. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fields: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path.join('.') || 'input';
    fields[key] ??= issue.message;
  }
  const summary = Object.entries(fields)
    .map(([field, message]) => `${field}: ${message}`)
    .join('; ');
  throw new GatehouseError('input.invalid', `That didn't work: ${summary}.`, { fields });
}
