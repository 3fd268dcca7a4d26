/**
 * Every refusal the engine makes is a GatehouseError: a stable machine code (`area.reason`), the
 * parameters it is about (names, user ids, dates, ids) and a sentence for the person who caused
 * it. The sentence is plain text, never mrkdwn: the people it names are parts (`person(id)`), not
 * `<@U…>`, and the names in it are as typed. The Slack layer (src/slack/refusals.ts) is the one
 * place that turns an error into what a person sees: it escapes the text once and builds each
 * mention from its id, so a `<@U…>` typed inside a package name stays text.
 */
export type ErrorCode =
  | 'input.invalid'
  | 'input.out_of_date'
  | 'auth.forbidden'
  | 'workspace.foreign'
  | 'catalog.not_found'
  | 'catalog.name_taken'
  | 'catalog.not_empty'
  | 'catalog.protected'
  | 'resource.not_found'
  | 'resource.already_registered'
  | 'resource.in_use'
  | 'resource.internal_target'
  | 'resource.ldap_not_configured'
  | 'resource.role_unknown'
  | 'package.not_found'
  | 'package.name_taken'
  | 'package.has_assignments'
  | 'package.role_exists'
  | 'package.role_not_found'
  | 'package.incompatible'
  | 'package.not_requestable'
  | 'package.wizard_unavailable'
  | 'policy.not_found'
  | 'policy.not_eligible'
  | 'policy.requests_disabled'
  | 'policy.justification_required'
  | 'policy.answer_invalid'
  | 'policy.timeline_invalid'
  | 'policy.no_approvers'
  | 'policy.choice_required'
  | 'policy.last_policy'
  | 'policy.in_use'
  | 'request.not_found'
  | 'request.already_assigned'
  | 'request.already_open'
  | 'request.already_decided'
  | 'request.not_approver'
  | 'request.self_approval'
  | 'request.not_yours'
  | 'request.not_cancelable'
  | 'request.reason_required'
  | 'assignment.not_found'
  | 'assignment.extension_not_allowed'
  | 'review.not_found'
  | 'review.not_reviewer'
  | 'review.closed'
  | 'review.nothing_to_review'
  | 'review.already_running'
  | 'review.item_not_found'
  | 'review.item_ended'
  | 'review.reason_required'
  | 'review.deadline_invalid'
  | 'user.not_found'
  | 'user.deactivated'
  | 'state.illegal_transition';

/** A person a sentence names, by Slack user id: Slack shows a mention, plain text `@U…`. */
export interface PersonPart {
  readonly person: string;
}

/** Several people (`a, b and c`). */
export interface PeoplePart {
  readonly people: readonly string[];
}

/** Something to type, a command say (`/access cancel R-1042`): shown as code in Slack. */
export interface TypedPart {
  readonly typed: string;
}

/** A name shown in bold in Slack; plain text as is. */
export interface NamePart {
  readonly name: string;
}

/** A sentence is text (as typed, unescaped) and the parts the Slack layer renders itself. */
export type SentencePart = string | PersonPart | PeoplePart | TypedPart | NamePart;

export interface Sentence {
  readonly parts: readonly SentencePart[];
}

export const person = (userId: string): PersonPart => ({ person: userId });
export const people = (userIds: readonly string[]): PeoplePart => ({ people: [...userIds] });
export const typed = (text: string): TypedPart => ({ typed: text });
export const named = (name: string): NamePart => ({ name });

type Interpolated = string | number | PersonPart | PeoplePart | TypedPart | NamePart;

/**
 * A sentence with parts: ``sentence`${id} was decided by ${person(userId)}.` `` — strings and
 * numbers are text, the part helpers keep what they are.
 */
export function sentence(strings: TemplateStringsArray, ...values: Interpolated[]): Sentence {
  const parts: SentencePart[] = [];
  const push = (part: SentencePart) => {
    const last = parts.at(-1);
    if (typeof part === 'string' && typeof last === 'string') parts[parts.length - 1] = last + part;
    else if (part !== '') parts.push(part);
  };
  strings.forEach((text, index) => {
    push(text);
    if (index < values.length) {
      const value = values[index]!;
      push(typeof value === 'number' ? String(value) : value);
    }
  });
  return { parts };
}

/** `a, b and c` */
export function listWords(items: readonly string[], none = 'nobody'): string {
  if (items.length === 0) return none;
  if (items.length === 1) return items[0]!;
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** The sentence as plain text (logs, `toString`, the field errors Slack shows as typed). */
export function plainSentence(parts: readonly SentencePart[]): string {
  return parts
    .map((part) => {
      if (typeof part === 'string') return part;
      if ('person' in part) return `@${part.person}`;
      if ('people' in part) return listWords(part.people.map((id) => `@${id}`));
      if ('typed' in part) return part.typed;
      return part.name;
    })
    .join('');
}

/** Parameters of a refusal: ids, names, user ids, dates — and `fields`, field name → problem. */
export type ErrorParams = Record<string, unknown>;

export class GatehouseError extends Error {
  readonly code: ErrorCode;
  readonly params: ErrorParams;
  /** The sentence as the Slack layer renders it; `message` is its plain text. */
  readonly parts: readonly SentencePart[];

  constructor(code: ErrorCode, message: string | Sentence, params: ErrorParams = {}) {
    const parts = typeof message === 'string' ? [message] : message.parts;
    super(plainSentence(parts));
    this.name = 'GatehouseError';
    this.code = code;
    this.params = params;
    this.parts = parts;
  }

  /** The parameters, under the name callers used before (`details.fields`, `details.actorId`). */
  get details(): ErrorParams {
    return this.params;
  }

  /** `policy.not_eligible: You can't request …` — the form logs and tests use. */
  override toString(): string {
    return `${this.code}: ${this.message}`;
  }
}

export function isGatehouseError(error: unknown, code?: ErrorCode): error is GatehouseError {
  return error instanceof GatehouseError && (code === undefined || error.code === code);
}
