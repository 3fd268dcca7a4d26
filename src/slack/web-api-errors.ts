import { ErrorCode } from '@slack/web-api';

/** What a failed Web API call means for a retry. */
export interface SlackFailure {
  /** Slack's error code (`user_not_found`), `ratelimited`, `http_503` or `no_answer`. */
  code: string;
  retryable: boolean;
  /** Slack answered (we know nothing was done); false after a timeout or a dropped connection. */
  answered: boolean;
  retryAfterMs?: number;
}

/** Platform errors worth trying again; every other `ok:false` is final. */
const RETRYABLE_PLATFORM_ERRORS = new Set([
  'ratelimited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

export function classifySlackError(error: unknown): SlackFailure {
  const e = error as { code?: string; data?: { error?: string }; retryAfter?: number; statusCode?: number };
  switch (e?.code) {
    case ErrorCode.RateLimitedError:
      return {
        code: 'ratelimited',
        retryable: true,
        answered: true,
        retryAfterMs: (e.retryAfter ?? 1) * 1000,
      };
    case ErrorCode.PlatformError: {
      const code = e.data?.error ?? 'unknown_error';
      return { code, retryable: RETRYABLE_PLATFORM_ERRORS.has(code), answered: true };
    }
    case ErrorCode.HTTPError:
      return { code: `http_${e.statusCode ?? 0}`, retryable: true, answered: true };
    default:
      return { code: 'no_answer', retryable: true, answered: false };
  }
}
