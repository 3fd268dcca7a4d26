import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context } from '@slack/bolt';
import { formatRequestId } from '../../domain/states.js';
import { addLogFields, type LogFields, type Logger } from '../../logger.js';
import type { RequestOutcome } from '../../metrics/metrics.js';
import type { AccessRoute, SlackRequestInfo } from './describe.js';

/** One incoming Slack request while it is handled: who, what, and how it ended so far. */
export interface TrackedRequest extends SlackRequestInfo {
  reqId: string;
  outcome: RequestOutcome;
  /** performance.now() when the app received it. */
  startedAt: number;
  ackMs?: number;
  /** The code of the refusal the person was told (`request.already_decided`), once refused. */
  refusalCode?: string;
  /** `/access …`: the sub-command and its arguments, routed once when the request came in. */
  accessRoute?: AccessRoute;
}

const current = new AsyncLocalStorage<TrackedRequest>();

export function runTracked<T>(request: TrackedRequest, fn: () => T): T {
  return current.run(request, fn);
}

export function trackedRequest(): TrackedRequest | undefined {
  return current.getStore();
}

/**
 * The engine refused what the person asked (they were told why): outcome `refused`, labelled with
 * the refusal's code. Only src/slack/refusals.ts and the out-of-date answers call it.
 */
export function noteRefused(code: string): void {
  const request = current.getStore();
  if (request?.outcome !== 'ok') return;
  request.outcome = 'refused';
  request.refusalCode = code;
}

/** Something broke on our side while answering: outcome `error`. */
export function noteFailed(): void {
  const request = current.getStore();
  if (request) request.outcome = 'error';
}

/** The request turned out to be about a Gatehouse request (one it just created, say). */
export function noteGatehouseRequest(requestId: number): void {
  const request = current.getStore();
  if (!request) return;
  request.gatehouseRequest = formatRequestId(requestId);
  addLogFields({ gatehouseRequest: request.gatehouseRequest });
}

/** The fields every log line about this request carries. */
export function logFieldsOf(request: TrackedRequest): LogFields {
  return {
    reqId: request.reqId,
    slackUser: request.slackUser,
    gatehouseRequest: request.gatehouseRequest,
    slackEventId: request.slackEventId,
  };
}

/** Where the per-request logger sits in Bolt's context. */
export const CONTEXT_LOG_KEY = 'log';

/** The request's logger from Bolt's context (built by the global middleware); `fallback` outside one. */
export function requestLog(context: Context | undefined, fallback: Logger): Logger {
  const log = context?.[CONTEXT_LOG_KEY] as Logger | undefined;
  return log && typeof log.child === 'function' && typeof log.info === 'function' ? log : fallback;
}
