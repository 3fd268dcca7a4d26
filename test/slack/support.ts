import { type Logger, LogLevel, WebClient, type WebClientOptions } from '@slack/web-api';
import { type FakeSlack, SANDBOX_BOT_TOKEN } from '../../src/sandbox/fake-slack.js';

/** @slack/web-api logs every `[ERROR]` line Slack answers; the tests read them from the error instead. */
export const quietSlackLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};

/** A real WebClient pointed at the sandbox over HTTP, retries off so failures surface at once. */
export function clientFor(
  fake: FakeSlack,
  options: WebClientOptions = {},
  token = SANDBOX_BOT_TOKEN,
): WebClient {
  return new WebClient(token, {
    slackApiUrl: fake.apiUrl,
    retryConfig: { retries: 0 },
    logger: quietSlackLogger,
    ...options,
  });
}

/** The `error` and `response_metadata.messages` of a refused call; fails when the call succeeds. */
export async function refusal(
  call: Promise<unknown>,
): Promise<{ error: string; messages: string[]; data: Record<string, unknown> }> {
  try {
    await call;
  } catch (thrown) {
    const data = (thrown as { data?: Record<string, unknown> }).data;
    if (!data) throw thrown;
    const metadata = data.response_metadata as { messages?: string[] } | undefined;
    return { error: String(data.error), messages: metadata?.messages ?? [], data };
  }
  throw new Error('Expected the Slack call to be refused, but it succeeded.');
}
