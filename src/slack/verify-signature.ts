import { createHmac, timingSafeEqual } from 'node:crypto';

/** Slack's replay window; unlike Bolt, a timestamp too far in the future is refused as well. */
export const SIGNATURE_WINDOW_SECONDS = 300;

export type SignatureFailure =
  | 'missing_secret'
  | 'missing_headers'
  | 'malformed_timestamp'
  | 'timestamp_out_of_window'
  | 'malformed_signature'
  | 'signature_mismatch';

export type SignatureCheck = { ok: true } | { ok: false; reason: SignatureFailure; message: string };

export interface SignatureInput {
  signingSecret: string;
  /** X-Slack-Request-Timestamp as received. */
  timestampHeader: string | string[] | null | undefined;
  /** X-Slack-Signature as received. */
  signatureHeader: string | string[] | null | undefined;
  /** The body exactly as it came off the wire: parsing and re-serialising changes the bytes. */
  rawBody: string | Buffer;
  /** From the injected wall clock, never the domain clock. */
  nowSeconds: number;
  windowSeconds?: number;
}

export function expectedSlackSignature(secret: string, timestamp: string, rawBody: string | Buffer): string {
  const hmac = createHmac('sha256', secret);
  hmac.update(`v0:${timestamp}:`);
  hmac.update(rawBody);
  return `v0=${hmac.digest('hex')}`;
}

/** What can be checked before the body is read: the headers and the timestamp window. */
export type SignatureHeadersInput = Omit<SignatureInput, 'rawBody'>;

type Refusal = Extract<SignatureCheck, { ok: false }>;

/**
 * The checks that need no body: a secret is configured, both headers are there and well formed,
 * the timestamp is within the window (both ways) of the wall clock. The receiver runs this
 * before reading a byte of the body, so an unsigned or replayed request costs almost nothing.
 */
export function verifySlackSignatureHeaders(input: SignatureHeadersInput): SignatureCheck {
  const check = checkHeaders(input);
  return check.ok ? { ok: true } : check;
}

export function verifySlackSignature(input: SignatureInput): SignatureCheck {
  const check = checkHeaders(input);
  if (!check.ok) return check;
  const expected = Buffer.from(expectedSlackSignature(input.signingSecret, check.timestamp, input.rawBody));
  const given = Buffer.from(check.signature);
  // The format check makes both the same length, which timingSafeEqual requires.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return refuse('signature_mismatch', 'X-Slack-Signature does not match the body.');
  }
  return { ok: true };
}

function checkHeaders(
  input: SignatureHeadersInput,
): { ok: true; timestamp: string; signature: string } | Refusal {
  if (!input.signingSecret) return refuse('missing_secret', 'No signing secret is configured.');
  const timestamp = singleHeader(input.timestampHeader);
  const signature = singleHeader(input.signatureHeader);
  if (timestamp === undefined || signature === undefined) {
    return refuse('missing_headers', 'X-Slack-Request-Timestamp or X-Slack-Signature is missing.');
  }
  if (!/^\d{1,12}$/.test(timestamp)) {
    return refuse('malformed_timestamp', 'X-Slack-Request-Timestamp is not a number of seconds.');
  }
  const window = input.windowSeconds ?? SIGNATURE_WINDOW_SECONDS;
  const skew = Math.abs(Math.floor(input.nowSeconds) - Number(timestamp));
  if (skew > window) {
    return refuse(
      'timestamp_out_of_window',
      `X-Slack-Request-Timestamp is ${skew} s from now; at most ${window} s are allowed.`,
    );
  }
  if (!/^v0=[0-9a-f]{64}$/.test(signature)) {
    return refuse('malformed_signature', 'X-Slack-Signature is not a v0 HMAC-SHA256 signature.');
  }
  return { ok: true, timestamp, signature };
}

function singleHeader(value: string | string[] | null | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first === null || first === undefined || first === '' ? undefined : first;
}

function refuse(reason: SignatureFailure, message: string): Refusal {
  return { ok: false, reason, message };
}
