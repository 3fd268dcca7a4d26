/**
 * Every refusal the engine makes is a GatehouseError: a stable machine code (`area.reason`)
 * and a message written for the person who caused it. The Slack layer shows `message` as is.
 */
export type ErrorCode =
  | 'input.invalid'
  | 'auth.forbidden'
  | 'catalog.not_found'
  | 'catalog.name_taken'
  | 'catalog.not_empty'
  | 'catalog.protected'
  | 'resource.not_found'
  | 'resource.already_registered'
  | 'resource.in_use'
  | 'resource.internal_target'
  | 'resource.role_unknown'
  | 'package.not_found'
  | 'package.name_taken'
  | 'package.has_assignments'
  | 'package.role_exists'
  | 'package.role_not_found'
  | 'package.incompatible'
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

export class GatehouseError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'GatehouseError';
    this.code = code;
    this.details = details;
  }

  /** `policy.not_eligible: You can't request …` — the form logs and tests use. */
  override toString(): string {
    return `${this.code}: ${this.message}`;
  }
}

export function isGatehouseError(error: unknown, code?: ErrorCode): error is GatehouseError {
  return error instanceof GatehouseError && (code === undefined || error.code === code);
}
