import { randomUUID } from 'node:crypto';
import type { App, ReceiverEvent } from '@slack/bolt';
import { type Logger, withLogScope } from '../../logger.js';
import type { Metrics } from '../../metrics/metrics.js';
import { describeSlackRequest } from './describe.js';
import { CONTEXT_LOG_KEY, logFieldsOf, runTracked, type TrackedRequest, trackedRequest } from './scope.js';

/**
 * Every Slack request, observed: an id of its own; every log line made while handling it (by
 * any logger, the engine's included) carries that id, the Slack user and the R-… id when there
 * is one; the time to its ack; one line and one count per request by kind, id and outcome.
 *
 * Two hooks: Bolt hands each incoming request to `processEvent`, wrapped here to start the scope
 * and time the ack (events are acked by Bolt before any middleware runs); a global middleware
 * then puts the request's child logger in Bolt's `context` (`context.log`) for listeners, and
 * counts the outcome once the listeners are done. Register it after the in-flight tracker, so
 * the count is made before the app reports itself idle.
 */
export function observeSlackRequests(
  app: App,
  options: { log: Logger; metrics?: Metrics | undefined },
): void {
  const { log, metrics } = options;
  const processEvent = app.processEvent.bind(app);
  app.processEvent = async (event: ReceiverEvent) => {
    const request: TrackedRequest = {
      ...describeSlackRequest(event.body),
      reqId: randomUUID(),
      outcome: 'ok',
      startedAt: performance.now(),
    };
    const ack: ReceiverEvent['ack'] = async (response) => {
      if (request.ackMs === undefined) {
        request.ackMs = performance.now() - request.startedAt;
        metrics?.acked(request.kind, request.ackMs / 1000);
      }
      // Field errors: the engine refused what the form said, and the modal tells the person.
      if (isFieldErrors(response) && request.outcome === 'ok') request.outcome = 'refused';
      return event.ack(response);
    };
    const scope = {
      fields: logFieldsOf(request),
      onError: () => {
        request.outcome = 'error';
      },
    };
    return withLogScope(scope, () => runTracked(request, () => processEvent({ ...event, ack })));
  };

  app.use(async ({ context, next }) => {
    const request = trackedRequest();
    if (!request) return next();
    const label = `${request.kind} ${request.id}`;
    const requestLog = log.child({ ...logFieldsOf(request), slack: label });
    context[CONTEXT_LOG_KEY] = requestLog;
    try {
      await next();
    } catch (error) {
      request.outcome = 'error';
      throw error;
    } finally {
      metrics?.slackRequest(request.kind, request.id, request.outcome);
      requestLog.info(
        {
          outcome: request.outcome,
          ackMs: request.ackMs === undefined ? undefined : Math.round(request.ackMs),
          ms: Math.round(performance.now() - request.startedAt),
        },
        'slack request handled',
      );
    }
  });
}

function isFieldErrors(response: unknown): boolean {
  return (
    typeof response === 'object' &&
    response !== null &&
    (response as { response_action?: unknown }).response_action === 'errors'
  );
}
