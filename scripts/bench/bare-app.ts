import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver } from '@slack/bolt';
import type { View } from '@slack/types';
import { silentLogger } from '../../src/logger.js';
import { SANDBOX_BOT_TOKEN } from '../../src/sandbox/fake-slack.js';
import { slackLogger } from '../../src/slack/clients.js';

export interface BareApp {
  url: string;
  /** Resolves once no handler is running (the views.open after the ack included). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The baseline: a Bolt app with Bolt's own HTTP receiver whose /access handler only acks and
 * opens a fixed modal, with the same Web API client options as Gatehouse's interactive client.
 */
export async function startBareApp(options: {
  apiUrl: string;
  signingSecret: string;
  view: View;
}): Promise<BareApp> {
  const logger = slackLogger(silentLogger);
  const app = new App({
    token: SANDBOX_BOT_TOKEN,
    receiver: new HTTPReceiver({ signingSecret: options.signingSecret, logger }),
    logger,
    tokenVerificationEnabled: false,
    clientOptions: {
      slackApiUrl: options.apiUrl,
      timeout: 2_500,
      retryConfig: { retries: 1, factor: 1, minTimeout: 100, maxTimeout: 250 },
      rejectRateLimitedCalls: true,
    },
  });
  let running = 0;
  let waiters: (() => void)[] = [];
  app.command('/access', async ({ ack, command, client }) => {
    running += 1;
    try {
      await ack();
      await client.views.open({ trigger_id: command.trigger_id, view: options.view });
    } finally {
      running -= 1;
      if (running === 0) {
        for (const resolve of waiters) resolve();
        waiters = [];
      }
    }
  });
  const server = (await app.start(0)) as { address(): AddressInfo | string | null };
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}/slack/events`,
    idle: () => (running === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
    stop: () => app.stop() as Promise<void>,
  };
}
