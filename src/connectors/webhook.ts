import { createHmac } from 'node:crypto';
import type { Clock } from '../clock.js';
import { type NetworkTargets, networkTargets } from '../domain/network-targets.js';
import { guardedPost, InternalTargetError } from './guarded-post.js';
import { type Connector, ConnectorError, type ProvisioningTarget } from './port.js';

/**
 * The webhook connector: Entra's custom extension for any external app. Each grant or revoke is a
 * JSON POST signed like Slack signs its own requests, so receivers can reuse that code:
 *
 *   X-Gatehouse-Timestamp: <unix seconds, real wall clock>
 *   X-Gatehouse-Signature: v1=<hex HMAC-SHA256(secret, "v1:" + timestamp + ":" + raw body)>
 *   X-Gatehouse-Delivery:  <delivery id, the same on every retry of one fulfilment>
 *
 * A receiver recomputes the HMAC over the raw body, compares in constant time, refuses timestamps
 * more than 5 minutes away, and drops a delivery id it has already processed.
 * Network errors, timeouts, 408, 429 and 5xx are retried with backoff; other 4xx answers are not.
 */

export const WEBHOOK_SIGNATURE_VERSION = 'v1';

export type WebhookEvent = 'grant' | 'revoke' | 'request_created' | 'request_approved' | 'access_expiring';

export interface WebhookPayload {
  event: WebhookEvent;
  deliveryId: string;
  user: { id: string };
  package: { id: number; name: string };
  resource: { id: number; externalId: string; name: string };
  role: string;
  assignmentId: number;
}

export function signWebhook(secret: string, timestampSeconds: number, rawBody: string): string {
  const digest = createHmac('sha256', secret).update(`v1:${timestampSeconds}:${rawBody}`).digest('hex');
  return `${WEBHOOK_SIGNATURE_VERSION}=${digest}`;
}

export interface WebhookConnectorOptions {
  /** Real wall clock for the signature timestamp (never the test clock). */
  wallClock: Clock;
  timeoutMs?: number;
  /** Which addresses webhooks may go to; internal ones are refused by default (WEBHOOK_ALLOWED_NETWORKS). */
  targets?: NetworkTargets;
}

const REFUSE_INTERNAL = networkTargets();

export function webhookConnector(options: WebhookConnectorOptions): Connector {
  const send = (event: WebhookEvent) => async (target: ProvisioningTarget) => {
    const { resource } = target;
    if (!resource.webhookUrl || !resource.webhookSecret) {
      throw new ConnectorError(
        `Webhook resource ${resource.name} has no URL or secret; edit the resource.`,
        false,
      );
    }
    const payload: WebhookPayload = {
      event,
      deliveryId: target.deliveryId,
      user: { id: target.userId },
      package: { id: target.packageId, name: target.packageName },
      resource: { id: resource.id, externalId: resource.externalId, name: resource.name },
      role: target.role,
      assignmentId: target.assignmentId,
    };
    await postSigned(resource.webhookUrl, resource.webhookSecret, payload, options);
  };
  return { grant: send('grant'), revoke: send('revoke') };
}

export async function postSigned(
  url: string,
  secret: string,
  payload: WebhookPayload,
  options: WebhookConnectorOptions,
): Promise<void> {
  const body = JSON.stringify(payload);
  const timestamp = Math.floor(options.wallClock.now().getTime() / 1000);
  let status: number;
  try {
    status = await guardedPost(
      new URL(url),
      {
        'content-type': 'application/json',
        'user-agent': 'Gatehouse-Webhook/1',
        'x-gatehouse-timestamp': String(timestamp),
        'x-gatehouse-signature': signWebhook(secret, timestamp, body),
        'x-gatehouse-delivery': payload.deliveryId,
      },
      body,
      { targets: options.targets ?? REFUSE_INTERNAL, timeoutMs: options.timeoutMs ?? 10_000 },
    );
  } catch (error) {
    if (error instanceof InternalTargetError) {
      throw new ConnectorError(
        `The webhook at ${error.host} points into the internal network (${error.address}); Gatehouse refuses internal targets unless WEBHOOK_ALLOWED_NETWORKS lists them.`,
        false,
        'webhook_target_refused',
      );
    }
    const reason =
      error instanceof Error && error.name === 'TimeoutError' ? 'timed out' : 'could not be reached';
    throw new ConnectorError(
      `The webhook at ${new URL(url).host} ${reason}; it will be retried.`,
      true,
      'webhook_unreachable',
    );
  }
  if (status >= 200 && status < 300) return;
  const retryable = status === 408 || status === 429 || status >= 500;
  throw new ConnectorError(
    `The webhook at ${new URL(url).host} answered HTTP ${status}${retryable ? '; it will be retried' : '; check the receiver'}.`,
    retryable,
    'webhook_refused',
  );
}
