import { systemClock } from '../clock.js';
import { readConfig } from '../config.js';
import type { Logger } from '../logger.js';
import { type Gatehouse, type StartOptions, startGatehouse } from '../runtime.js';
import { FakeSlack, type FakeSlackOptions, SANDBOX_BOT_TOKEN } from './fake-slack.js';
import type { BlockActionInput, SignedBodyParts, ViewSubmissionRequest } from './interactions.js';
import { WOODGROVE, woodgroveSeed } from './seeds.js';
import { postSigned } from './signing.js';

export const SANDBOX_SIGNING_SECRET = 'sandbox-signing-secret-0123456789';

export interface SandboxOptions {
  /** postgres://… to run on PostgreSQL; embedded PGlite in memory otherwise. */
  databaseUrl?: string;
  fake?: FakeSlackOptions;
  logger?: Logger;
  env?: Record<string, string>;
  /**
   * The clock the app paces Slack calls on. Give the fake the same one (`fake.wallClock`) and a
   * test can move Slack's time forward (OffsetClock.advance) instead of waiting for its limits.
   */
  pacing?: StartOptions['pacing'];
}

/**
 * The real Gatehouse (Bolt app over HTTP, engine, jobs, test clock) wired to a simulated Slack
 * workspace set up as Woodgrove Bank: what the Slack tests, `npm run demo` and the benchmarks
 * drive. Requests are signed like Slack signs them and sent over HTTP.
 */
export class GatehouseSandbox {
  readonly fake: FakeSlack;
  gatehouse!: Gatehouse;
  eventsUrl = '';
  origin = '';

  constructor(private readonly options: SandboxOptions = {}) {
    this.fake = new FakeSlack({ seed: woodgroveSeed(), ...options.fake });
  }

  async start(): Promise<this> {
    await this.fake.start();
    const config = readConfig({
      SLACK_BOT_TOKEN: SANDBOX_BOT_TOKEN,
      SLACK_SIGNING_SECRET: SANDBOX_SIGNING_SECRET,
      SLACK_API_URL: this.fake.apiUrl,
      ADMIN_USER_IDS: WOODGROVE.admin,
      PORT: '0',
      TEST_CLOCK: '1',
      JOB_TICK_CRON: 'off',
      // Reconciliation reads every managed group and channel: tests that want it run it themselves.
      RECONCILE_EVERY_MINUTES: '0',
      // Without the fake's limits there is nothing to pace under.
      ...(this.options.fake?.rateLimits === false ? { SLACK_POST_PACING: 'off' } : {}),
      LOG_LEVEL: 'silent',
      ...(this.options.databaseUrl ? { DATABASE_URL: this.options.databaseUrl } : { DATA_DIR: 'memory' }),
      ...this.options.env,
    });
    const { OffsetClock } = await import('../clock.js');
    this.gatehouse = await startGatehouse({
      config,
      clock: new OffsetClock(),
      wallClock: systemClock,
      ...(this.options.pacing ? { pacing: this.options.pacing } : {}),
      ...(this.options.logger ? { logger: this.options.logger } : {}),
    });
    this.origin = `http://127.0.0.1:${this.gatehouse.port}`;
    this.eventsUrl = `${this.origin}/slack/events`;
    return this;
  }

  async stop(): Promise<void> {
    await this.gatehouse?.stop();
    await this.fake.stop();
  }

  /** Sends a signed request to the app; returns the HTTP response. */
  async send(parts: SignedBodyParts): Promise<Response> {
    return postSigned(this.eventsUrl, parts.body, parts.contentType, { secret: SANDBOX_SIGNING_SECRET });
  }

  /**
   * `/access <text>` as `userId`; resolves with the answers posted to its response_url once the
   * app has finished handling it (it acks first, then answers).
   */
  async command(
    userId: string,
    text: string,
  ): Promise<{ status: number; replies: { text: string; blocks?: unknown[] }[] }> {
    const parts = this.fake.slashCommand({ userId, text });
    const response = await this.send(parts);
    await this.idle();
    const replies = this.fake
      .responses(parts.responseUrl)
      .map((r) => r.body as { text: string; blocks?: unknown[] });
    return { status: response.status, replies };
  }

  async click(input: BlockActionInput): Promise<Response> {
    const response = await this.send(this.fake.blockAction(input));
    await this.idle();
    return response;
  }

  /** Submits the user's open modal; returns the ack body (field errors, an update) as the app sent it. */
  async submit(request: ViewSubmissionRequest): Promise<{ status: number; ack: unknown }> {
    const viewId = request.viewId ?? this.fake.openModal(request.userId)?.id;
    const response = await this.send(this.fake.viewSubmission(request));
    const text = await response.text();
    const ack = text ? JSON.parse(text) : null;
    if (viewId && response.status === 200) this.fake.applyViewSubmissionAck(viewId, ack);
    await this.idle();
    return { status: response.status, ack };
  }

  async event<E extends { type: string }>(event: E): Promise<Response> {
    const response = await this.send(this.fake.event({ event }));
    await this.idle();
    return response;
  }

  /** Moves the test clock, stepping through every due time (the contract's POST /_test/clock). */
  async advance(seconds: number): Promise<string> {
    const response = await fetch(`${this.origin}/_test/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advanceSeconds: seconds }),
    });
    if (response.status !== 200)
      throw new Error(`test clock answered ${response.status}: ${await response.text()}`);
    return ((await response.json()) as { now: string }).now;
  }

  /**
   * Waits until the app is quiet: listeners finish their work after the ack, then the jobs
   * deliver what they queued and send the DMs. Polls the app's own work, never the clock.
   */
  async idle(): Promise<void> {
    await this.gatehouse.slack.idle();
    await this.gatehouse.jobs.runAll();
  }
}
