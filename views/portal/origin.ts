import { z } from 'zod';
import { homePagesSchema } from './home-pages.js';

const responseUrl = z.string().url().max(1000);

/**
 * Where a click came from, so its answer goes back there: the Home tab (republished), an
 * ephemeral answer to a command (replaced through its response_url), or a DM (updated in place).
 * Modals carry it in private_metadata to answer after the submission.
 */
export const clickOriginSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('home'), pages: homePagesSchema.default({}) }),
  /** A slash command: it has no message to update; the engine's DM tells the outcome. */
  z.object({ kind: z.literal('command') }),
  z.object({ kind: z.literal('ephemeral'), responseUrl }),
  z.object({
    kind: z.literal('message'),
    channel: z.string().min(1).max(40),
    ts: z.string().min(1).max(40),
    responseUrl: responseUrl.optional(),
  }),
]);
export type ClickOrigin = z.infer<typeof clickOriginSchema>;
