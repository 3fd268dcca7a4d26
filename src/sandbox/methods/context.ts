import type { AnyBlock } from '@slack/types';
import { type ApiArgs, jsonArg, optionalString, SlackApiError } from '../api-error.js';
import { checkMessageBlocks, formatIssue } from '../block-kit-checks.js';
import type { TriggerRegistry } from '../triggers.js';
import type { Workspace } from '../workspace.js';

export interface MethodContext {
  workspace: Workspace;
  args: ApiArgs;
  /** The wall clock's now. */
  now: Date;
  triggers: TriggerRegistry;
  /** `[WARN] …` lines the call answers with in response_metadata.messages. */
  warnings: string[];
}

/** Answers the fields besides `ok: true`, or throws SlackApiError. */
export type MethodHandler = (context: MethodContext) => Record<string, unknown>;

export interface MessageContent {
  text: string | undefined;
  blocks: AnyBlock[] | undefined;
}

/** text and blocks of chat.* calls; blocks are checked against Block Kit's limits. */
export function messageContent(context: MethodContext): MessageContent {
  const text = optionalString(context.args, 'text');
  const raw = jsonArg(context.args, 'blocks', 'invalid_blocks_format');
  if (raw === undefined || raw === null || raw === '') return { text, blocks: undefined };
  const issues = checkMessageBlocks(raw);
  if (issues.some((issue) => issue.level === 'error'))
    throw SlackApiError.fromIssues('invalid_blocks', issues);
  context.warnings.push(...issues.map(formatIssue));
  return { text, blocks: raw as AnyBlock[] };
}

const CURSOR_PREFIX = 'offset:';

/** Cursor pagination as Slack does it: `limit`, `cursor`, and `response_metadata.next_cursor`. */
export function paginate<T>(items: T[], args: ApiArgs): { page: T[]; nextCursor: string } {
  const limit = Number(args.limit ?? 0);
  let offset = 0;
  if (typeof args.cursor === 'string' && args.cursor !== '') {
    const decoded = Buffer.from(args.cursor, 'base64url').toString('utf8');
    offset = Number(decoded.slice(CURSOR_PREFIX.length));
    if (!decoded.startsWith(CURSOR_PREFIX) || !Number.isInteger(offset) || offset < 0) {
      throw new SlackApiError('invalid_cursor');
    }
  }
  if (!Number.isFinite(limit) || limit <= 0) return { page: items.slice(offset), nextCursor: '' };
  const end = offset + limit;
  const nextCursor = end < items.length ? Buffer.from(`${CURSOR_PREFIX}${end}`).toString('base64url') : '';
  return { page: items.slice(offset, end), nextCursor };
}
