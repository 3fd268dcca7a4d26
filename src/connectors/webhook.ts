import { createHmac } from 'node:crypto';
import type { Clock } from '../clock.js';
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
  fetch?: typeof fetch;
}

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
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Gatehouse-Webhook/1',
        'x-gatehouse-timestamp': String(timestamp),
        'x-gatehouse-signature': signWebhook(secret, timestamp, body),
        'x-gatehouse-delivery': payload.deliveryId,
      },
      body,
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  } catch (error) {
    const reason =
      error instanceof Error && error.name === 'TimeoutError' ? 'timed out' : 'could not be reached';
    throw new ConnectorError(
      `The webhook at ${new URL(url).host} ${reason}; it will be retried.`,
      true,
      'webhook_unreachable',
    );
  }
  await response.body?.cancel().catch(() => undefined);
  if (response.ok) return;
  const retryable = response.status === 408 || response.status === 429 || response.status >= 500;
  throw new ConnectorError(
    `The webhook at ${new URL(url).host} answered HTTP ${response.status}${retryable ? '; it will be retried' : '; check the receiver'}.`,
    retryable,
    'webhook_refused',
  );
}
