import type { KnownBlock } from '@slack/types';
import { section } from '../../views/blocks.js';
import { engineText } from '../../views/engine-text.js';
import { isGatehouseError } from '../domain/errors.js';
import type { Logger } from '../logger.js';
import { noteFailed, noteRefused } from './observe/scope.js';

/** What a person sees when an engine call is refused, or when something broke on our side. */
export function errorReply(
  error: unknown,
  log: Logger,
  where: Record<string, unknown>,
): { text: string; blocks: KnownBlock[] } {
  if (isGatehouseError(error)) {
    noteRefused();
    const text = `:no_entry: ${engineText(error.message)}`;
    return { text, blocks: [section(text)] };
  }
  noteFailed();
  log.error({ ...where, err: error }, 'unexpected failure while answering a person');
  const text =
    ":warning: Something went wrong on Gatehouse's side and nothing was changed. Try again in a minute; if it keeps happening, tell an admin.";
  return { text, blocks: [section(text)] };
}
