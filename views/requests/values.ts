import { z } from 'zod';
import { expirySchema } from '../../src/domain/policy.js';

/**
 * What the request surface puts in button values and private_metadata, and the zod schemas that
 * read them back: ids (a click re-reads everything else from the engine), and in the request
 * modal what its submission needs besides (the engine re-checks all of it on submit).
 */

const ID_MAX = 2_147_483_647;
const id = z.number().int().positive().max(ID_MAX);
const idText = z
  .string()
  .trim()
  .regex(/^\d{1,10}$/)
  .transform(Number)
  .pipe(id);

/** A package id: the `Request` buttons and the package pick list. */
export const packageValueSchema = idText;

/** A request id: the `Cancel` button. */
export const requestValueSchema = idText;

/** `1042:2` — request id and the approval stage the card was for: Approve and Deny. */
export const decisionValueSchema = z
  .string()
  .trim()
  .regex(/^\d{1,10}:[1-3]$/)
  .transform((value) => {
    const [requestId, stage] = value.split(':');
    return { requestId: Number(requestId), stage: Number(stage) };
  })
  .pipe(z.object({ requestId: id, stage: z.number().int().min(1).max(3) }));

export function decisionValue(requestId: number, stage: number): string {
  return `${requestId}:${stage}`;
}

/**
 * The request modal's private_metadata: the package and the policies it may be requested under,
 * with what the submission needs so that it reads no package again: the name (for a refusal that
 * replaces the form) and each policy's expiry (a picked end date on a policy's last day is its
 * maximum, to the minute).
 */
export const requestModalMetadataSchema = z.object({
  packageId: id,
  policyId: id,
  policyIds: z.array(id).min(1).max(20),
  packageName: z.string().max(400),
  expiries: z.record(z.string().regex(/^\d{1,10}$/), expirySchema),
});
export type RequestModalMetadata = z.infer<typeof requestModalMetadataSchema>;

/** The reason modal's private_metadata: which request, which stage, approve or deny. */
export const decisionMetadataSchema = z.object({
  requestId: id,
  stage: z.number().int().min(1).max(3),
  decision: z.enum(['approve', 'deny']),
});
export type DecisionMetadata = z.infer<typeof decisionMetadataSchema>;

/** Parses private_metadata JSON with a schema; null when it is not what the app wrote. */
export function readMetadata<S extends z.ZodType>(schema: S, raw: string | undefined): z.output<S> | null {
  if (!raw) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
