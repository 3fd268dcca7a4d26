import { createHmac } from 'node:crypto';
import { type Clock, systemClock } from '../clock.js';

export * from './payloads.js';

export const SIGNATURE_HEADER = 'X-Slack-Signature';
export const TIMESTAMP_HEADER = 'X-Slack-Request-Timestamp';
export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';
export const JSON_CONTENT_TYPE = 'application/json';

/** `v0=` + hex HMAC-SHA256 over `v0:{timestamp}:{body}`, as Slack signs every request it sends. */
export function signSlackRequest(secret: string, timestampSeconds: number | string, rawBody: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestampSeconds}:${rawBody}`).digest('hex')}`;
}

export interface PostSignedOptions {
  secret: string;
  /** Seconds; defaults to the wall clock, so a test can send a stale or future timestamp. */
  timestamp?: number;
  clock?: Clock;
  /** Extra headers, e.g. X-Slack-Retry-Num for a redelivered event. */
  headers?: Record<string, string>;
}

/** POSTs a body to the app the way Slack does: signed, with the timestamp header. */
export async function postSigned(
  url: string,
  body: string,
  contentType: string,
  options: PostSignedOptions,
): Promise<Response> {
  const timestamp = options.timestamp ?? Math.floor((options.clock ?? systemClock).now().getTime() / 1000);
  return fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': contentType,
      [TIMESTAMP_HEADER]: String(timestamp),
      [SIGNATURE_HEADER]: signSlackRequest(options.secret, timestamp, body),
      'User-Agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      ...options.headers,
    },
    body,
  });
}
