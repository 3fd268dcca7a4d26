import type { KnownBlock, ModalView } from '@slack/types';
import { context, plain, section } from '../../views/blocks.js';
import { escapeMrkdwn, mention, truncate, userText } from '../../views/mrkdwn.js';
import { type Notice, noticeText } from '../../views/notice.js';
import {
  type ErrorCode,
  type ErrorParams,
  type GatehouseError,
  isGatehouseError,
  listWords,
  type SentencePart,
} from '../domain/errors.js';
import type { Logger } from '../logger.js';
import { noteFailed, noteRefused } from './observe/scope.js';

/**
 * The Slack side's one error boundary. Whatever a command, click or submission runs may throw;
 * `explain` decides once what that means for the person — a refusal the engine explained (its
 * code labels the request's metric) or a failure on our side (one wording, one log line with the
 * request id) — and the surface functions below show it where the person is: an ephemeral answer
 * (commands, clicks), field errors by block_id (`response_action: 'errors'`), a modal replacing
 * the form, or a notice on top of a refreshed screen. User text is escaped here, once: names as
 * text, people as mentions built from their ids.
 */

/** The one wording for anything that broke on Gatehouse's side. */
export const UNEXPECTED_FAILURE =
  "Something went wrong on Gatehouse's side and nothing was changed. Try again in a minute; if it keeps happening, tell an admin.";

/** What to tell a person about an error, decided once. */
export interface Refusal {
  kind: 'refused' | 'failed';
  /** The metric label: the refusal's code, `unexpected` for a failure. */
  code: ErrorCode | 'unexpected';
  /** The sentence in mrkdwn, escaped, without its icon. */
  mrkdwn: string;
  /** The sentence as plain text: Slack shows field errors as typed. */
  plain: string;
  /** The engine's refusal; null for a failure. */
  error: GatehouseError | null;
}

/** The longest sentence shown (a section holds 3,000 characters, its icon and a subject too). */
const SENTENCE_MAX = 2_800;

/**
 * Any error → what to tell the person. A GatehouseError is a refusal: its code is noted for the
 * request's metrics. Anything else is a failure: logged once, with `where` and the request id.
 */
export function explain(error: unknown, log: Logger, where: Record<string, unknown> = {}): Refusal {
  if (isGatehouseError(error)) {
    noteRefused(error.code);
    return {
      kind: 'refused',
      code: error.code,
      mrkdwn: sentenceMrkdwn(error.parts),
      plain: truncate(error.message, 2_000),
      error,
    };
  }
  noteFailed();
  // The request id (and the Slack user, the R-… id) come with the line from the request's log
  // scope (observe/observe-requests.ts), whichever logger this is.
  log.error({ ...where, err: error }, 'unexpected failure while answering a person');
  return {
    kind: 'failed',
    code: 'unexpected',
    mrkdwn: UNEXPECTED_FAILURE,
    plain: UNEXPECTED_FAILURE,
    error: null,
  };
}

/** A sentence's parts as mrkdwn: text escaped, people as mentions from their ids, names bold. */
export function sentenceMrkdwn(parts: readonly SentencePart[], max = SENTENCE_MAX): string {
  let budget = max;
  const out: string[] = [];
  for (const part of parts) {
    if (budget <= 0) break;
    if (typeof part === 'string') {
      const text = truncate(part, budget);
      budget -= [...text].length;
      out.push(escapeMrkdwn(text));
    } else if ('person' in part) {
      budget -= 14;
      out.push(mention(part.person));
    } else if ('people' in part) {
      budget -= 14 * part.people.length;
      out.push(listWords(part.people.map(mention)));
    } else if ('typed' in part) {
      const text = truncate(part.typed.replaceAll('`', "'"), Math.min(budget, 300));
      budget -= [...text].length + 2;
      out.push(`\`${escapeMrkdwn(text)}\``);
    } else {
      const text = truncate(part.name, Math.min(budget, 300));
      budget -= [...text].length + 2;
      out.push(`*${escapeMrkdwn(text)}*`);
    }
  }
  return out.join('');
}

/** What a refusal adds beside its sentence, where the person can act on it. */
const HINTS: Partial<Record<ErrorCode, (params: ErrorParams) => string | null>> = {
  'package.has_assignments': (params) =>
    typeof params.packageName === 'string'
      ? `\`/access package delete ${escapeMrkdwn(truncate(params.packageName, 200))} --force\` removes their access and deletes it.`
      : null,
};

function hintOf(refusal: Refusal): string | null {
  const hint = refusal.error ? HINTS[refusal.error.code] : undefined;
  return hint ? hint(refusal.error!.params) : null;
}

/** Commands and clicks: an ephemeral answer (the fallback text is mrkdwn too, so escaped). */
export function ephemeralReply(refusal: Refusal): { text: string; blocks: KnownBlock[] } {
  const text = noticeText(refusal);
  const hint = hintOf(refusal);
  return { text, blocks: [section(text), ...(hint ? [context(hint)] : [])] };
}

/** On top of a refreshed screen (the Home tab, `/access my`, an assignments list). */
export function refusalNotice(refusal: Refusal): Notice {
  return { kind: refusal.kind, mrkdwn: refusal.mrkdwn };
}

/** Where a refusal can sit on a submitted form. */
export interface FormFields {
  /** The view's input block_ids: the only keys field errors may use (Slack rejects others). */
  inputs: ReadonlySet<string>;
  /** An engine field (`justification`, `answers.q1`, `endAt`) → its block_id; null when not on this form. */
  blockFor?: (field: string) => string | null;
  /** A one-field form: every refusal (and a failure) is shown on this block. */
  fallback?: string;
}

export interface FieldErrorsAck {
  response_action: 'errors';
  errors: Record<string, string>;
}

/**
 * Refusals whose sentence is clearer on the field than the field's own short message (a date the
 * policy doesn't allow says which date it does; a missing reason says who will read it).
 */
const SENTENCE_ON_FIELD: ReadonlySet<ErrorCode> = new Set([
  'policy.timeline_invalid',
  'request.reason_required',
  'review.reason_required',
]);

/**
 * View submissions: the refusal as field errors by block_id, so the modal stays open for the
 * person to fix it; null when no field of this form can carry it (show `errorModal` instead).
 * Each field the engine named gets its message; a one-field form takes everything on its field.
 */
export function fieldErrors(refusal: Refusal, form: FormFields): FieldErrorsAck | null {
  const named = namedFields(refusal, form);
  if (named) return { response_action: 'errors', errors: named };
  if (form.fallback && form.inputs.has(form.fallback)) {
    return { response_action: 'errors', errors: { [form.fallback]: refusal.plain } };
  }
  return null;
}

function namedFields(refusal: Refusal, form: FormFields): Record<string, string> | null {
  if (!refusal.error || !form.blockFor) return null;
  const raw = refusal.error.params.fields;
  if (typeof raw !== 'object' || raw === null) return null;
  const errors: Record<string, string> = {};
  for (const [field, message] of Object.entries(raw as Record<string, unknown>)) {
    const blockId = form.blockFor(field);
    if (!blockId || !form.inputs.has(blockId)) return null;
    const own = typeof message === 'string' && message ? message : refusal.plain;
    errors[blockId] = truncate(SENTENCE_ON_FIELD.has(refusal.error.code) ? refusal.plain : own, 2_000);
  }
  return Object.keys(errors).length ? errors : null;
}

/** The input block_ids of a submitted view: the only keys field errors may use. */
export function inputBlockIds(view: { blocks: unknown }): Set<string> {
  const ids = new Set<string>();
  const blocks = Array.isArray(view.blocks) ? (view.blocks as { type?: string; block_id?: string }[]) : [];
  for (const block of blocks) {
    if (block.type === 'input' && block.block_id) ids.add(block.block_id);
  }
  return ids;
}

/**
 * A modal saying why not, in place of the form submitted (`response_action: 'update'`) or opened
 * instead of one: the refusal, what it was about (a package name, shown bold), what happened.
 */
export function errorModal(
  refusal: Refusal,
  options: { title: string; subject?: string; footer?: string },
): ModalView {
  const subject = options.subject ? `*${userText(options.subject, 150)}*\n` : '';
  const hint = hintOf(refusal);
  const footer = options.footer ?? 'Nothing was changed.';
  return {
    type: 'modal',
    title: plain(options.title, 24),
    close: plain('Close', 24),
    blocks: [
      section(`${noticeText({ kind: refusal.kind, mrkdwn: `${subject}${refusal.mrkdwn}` })}`),
      ...(hint ? [context(hint)] : []),
      context(footer),
    ],
  };
}
