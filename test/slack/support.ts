import { type Logger, LogLevel, WebClient, type WebClientOptions } from '@slack/web-api';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { FakeSlack, SANDBOX_BOT_TOKEN } from '../../src/sandbox/fake-slack.js';
import { woodgroveSeed } from '../../src/sandbox/seeds.js';

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

/**
 * The seeded Woodgrove workspace, served for the enclosing file or block with rate limits off and
 * a manual wall clock, back to the seed before each test; `client` is a real WebClient on it
 * (usable once the server started, in the tests and hooks).
 */
export function useFakeWorkspace(): { fake: FakeSlack; wall: ManualClock; client: WebClient } {
  const wall = new ManualClock();
  const fake = new FakeSlack({ seed: woodgroveSeed(), wallClock: wall, rateLimits: false });
  let client: WebClient | undefined;
  beforeAll(async () => {
    await fake.start();
    client = clientFor(fake);
  });
  afterAll(() => fake.stop());
  beforeEach(() => fake.reset());
  const lateClient = new Proxy({} as WebClient, {
    get(_target, key) {
      if (!client)
        throw new Error(`the fake workspace's client is used before it started (reading ${String(key)})`);
      const value = Reflect.get(client, key, client);
      return typeof value === 'function' ? value.bind(client) : value;
    },
  });
  return { fake, wall, client: lateClient };
}
