import { App, type CustomRoute, SocketModeReceiver } from '@slack/bolt';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics/metrics.js';
import type { EngineDeps } from '../services/context.js';
import { interactiveClient, slackLogger } from './clients.js';
import type { SlackContext } from './context.js';
import { installationIdentity } from './installation.js';
import { registerListeners } from './listeners/index.js';
import { observeSlackRequests } from './observe/observe-requests.js';
import { answerOutOfDate } from './out-of-date.js';
import { createGuardedHttpReceiver } from './receiver.js';

export interface SlackAppOptions {
  botToken: string;
  /** HTTP mode: every Slack request at POST /slack/events, signed with this secret. */
  signingSecret?: string | undefined;
  /** Socket Mode when set (xapp-…). */
  appToken?: string | undefined;
  apiUrl?: string | undefined;
  engine: EngineDeps;
  wallClock: Clock;
  log: Logger;
  /** Plain HTTP routes served beside Slack's (/healthz, /_test/clock, /metrics). */
  routes: CustomRoute[];
  /** Port of the HTTP server (Socket Mode serves only the routes there). */
  port: number;
  /** Counts requests by kind and outcome and times acks; none in tests that don't look. */
  metrics?: Metrics;
}

export interface SlackRuntime {
  app: App;
  mode: 'http' | 'socket';
  /** Starts serving; resolves to the HTTP port bound. */
  start(): Promise<number>;
  /** Resolves once no listener is running (their work after the ack included). */
  idle(): Promise<void>;
  /** Stops taking requests, then waits for the listeners still running. */
  stop(): Promise<void>;
}

/**
 * The Bolt app: HTTP (signature checked both ways in time) or Socket Mode, the interactive Web
 * API client (short timeout, a 429 fails fast so an ack never waits), and every listener.
 */
export function createSlackApp(options: SlackAppOptions): SlackRuntime {
  const logger = slackLogger(options.log);
  const clientOptions = {
    ...(options.apiUrl
      ? { slackApiUrl: options.apiUrl.endsWith('/') ? options.apiUrl : `${options.apiUrl}/` }
      : {}),
    timeout: 2_500,
    retryConfig: { retries: 1, factor: 1, minTimeout: 100, maxTimeout: 250 },
    rejectRateLimitedCalls: true,
  };
  const mode = options.appToken ? 'socket' : 'http';
  const receiver =
    mode === 'socket'
      ? new SocketModeReceiver({
          appToken: options.appToken!,
          logger,
          customRoutes: options.routes,
          installerOptions: { port: options.port },
        })
      : createGuardedHttpReceiver({
          signingSecret: options.signingSecret ?? '',
          wallClock: options.wallClock,
          routes: options.routes,
          log: options.log,
          slackLogger: logger,
        });
  const identity = installationIdentity({
    client: interactiveClient({ token: options.botToken, apiUrl: options.apiUrl, log: options.log }),
    botToken: options.botToken,
    log: options.log,
  });
  // authorize instead of token: Bolt would call auth.test on every request; this knows it already.
  const app = new App({ authorize: identity.authorize, receiver, logger, clientOptions });
  const ctx: SlackContext = {
    engine: options.engine,
    log: options.log,
    wallClock: options.wallClock,
    installation: identity.current,
  };
  const inFlight = trackInFlight(app);
  observeSlackRequests(app, { log: options.log, metrics: options.metrics });
  // Before the listeners: it records what they match, to answer what none of them will.
  answerOutOfDate(app, ctx);
  registerListeners(app, ctx);
  app.error(async (error) => {
    options.log.error({ err: error }, 'unhandled error in a Slack listener');
  });
  return {
    app,
    mode,
    async start() {
      // A network blip or a rate limit here never fails the start: it is asked again in the background.
      await identity.start();
      if (mode === 'socket') {
        await app.start();
        return options.port;
      }
      const server = (await app.start(options.port)) as { address(): unknown };
      const address = server.address() as { port?: number } | null;
      return address?.port ?? options.port;
    },
    idle: () => inFlight.idle(),
    async stop() {
      identity.stop();
      await app.stop();
      await inFlight.idle();
    },
  };
}

/** Counts listener runs with a global middleware, so shutdown and tests can wait for them. */
function trackInFlight(app: App): { idle(): Promise<void> } {
  let running = 0;
  let waiters: (() => void)[] = [];
  app.use(async ({ next }) => {
    running += 1;
    try {
      await next();
    } finally {
      running -= 1;
      if (running === 0) {
        for (const resolve of waiters) resolve();
        waiters = [];
      }
    }
  });
  return {
    idle: () => (running === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
  };
}
