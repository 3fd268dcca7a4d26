import { randomUUID } from 'node:crypto';
import type { App, ReceiverEvent } from '@slack/bolt';
import { type Logger, withLogScope } from '../../logger.js';
import type { Metrics } from '../../metrics/metrics.js';
import { describeIncoming } from './describe.js';
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
    const described = describeIncoming(event.body);
    const request: TrackedRequest = {
      ...described.info,
      ...(described.accessRoute ? { accessRoute: described.accessRoute } : {}),
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
      // Answers from src/slack/refusals.ts carry their code already; other field errors (a
      // form's own checks) count as invalid input.
      if (isFieldErrors(response) && request.outcome === 'ok') {
        request.outcome = 'refused';
        request.refusalCode = 'input.invalid';
      }
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
      if (request.outcome === 'refused') {
        metrics?.slackRefusal(request.kind, request.id, request.refusalCode ?? 'unlabelled');
      }
      requestLog.info(
        {
          outcome: request.outcome,
          ...(request.refusalCode ? { refusal: request.refusalCode } : {}),
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
