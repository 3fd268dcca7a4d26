import { z } from 'zod';

/**
 * What the request surface puts in button values and private_metadata, and the zod schemas that
 * read them back: only ids (a click re-reads everything else from the engine).
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

/** The request modal's private_metadata: the package and the policies it may be requested under. */
export const requestModalMetadataSchema = z.object({
  packageId: id,
  policyId: id,
  policyIds: z.array(id).min(1).max(20),
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
