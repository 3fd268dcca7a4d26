import { LogLevel, type Logger as SlackLogger, WebClient } from '@slack/web-api';
import type { Logger } from '../logger.js';

export interface SlackClientOptions {
  token: string;
  /** Web API base URL, with its trailing slash (SLACK_API_URL); Slack's own when unset. */
  apiUrl?: string | undefined;
  log: Logger;
}

/**
 * The client used while a person waits (acks, modals, ephemeral answers): a short timeout, one
 * quick retry, and a 429 is an error at once, so an ack never waits on a rate-limited call.
 */
export function interactiveClient(options: SlackClientOptions): WebClient {
  return new WebClient(options.token, {
    ...(options.apiUrl ? { slackApiUrl: withTrailingSlash(options.apiUrl) } : {}),
    timeout: 2_500,
    retryConfig: { retries: 1, factor: 1, minTimeout: 100, maxTimeout: 250 },
    rejectRateLimitedCalls: true,
    logger: slackLogger(options.log),
  });
}

/**
 * The client jobs use (DMs, connectors). It does not retry by itself: the outbox and delivery
 * retry with their own backoff, honour Retry-After, and record every attempt.
 */
export function backgroundClient(options: SlackClientOptions): WebClient {
  return new WebClient(options.token, {
    ...(options.apiUrl ? { slackApiUrl: withTrailingSlash(options.apiUrl) } : {}),
    timeout: 10_000,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logger: slackLogger(options.log),
  });
}

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/** Bolt and the Web API client log through pino too. */
export function slackLogger(log: Logger): SlackLogger {
  const child = log.child({ component: 'slack' });
  let level = LogLevel.INFO;
  return {
    debug: (...msg: unknown[]) => child.debug(msg.map(String).join(' ')),
    info: (...msg: unknown[]) => child.info(msg.map(String).join(' ')),
    warn: (...msg: unknown[]) => child.warn(msg.map(String).join(' ')),
    error: (...msg: unknown[]) => child.error(msg.map(String).join(' ')),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
