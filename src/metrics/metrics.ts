import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Logger } from '../logger.js';
import type { DeliveryReport } from '../services/lifecycle/delivery-runner.js';
import type { OutboxReport } from '../services/lifecycle/outbox.js';

export type SlackRequestKind = 'command' | 'action' | 'view' | 'event' | 'other';
export type RequestOutcome = 'ok' | 'refused' | 'error';

/** What the store says at scrape time. */
export interface StoreGauges {
  outboxBacklog: number;
  outboxDeadLetters: number;
}

export interface MetricsOptions {
  /** Read once per scrape (one query): the outbox backlog and dead letters. */
  readStore?: () => Promise<StoreGauges>;
  log?: Logger;
  /** Node's process metrics (CPU, memory, event loop lag, GC); on unless turned off. */
  processMetrics?: boolean;
}

const DELIVERY_OUTCOMES = ['delivered', 'failed', 'abandoned', 'skipped', 'canceled'] as const;
const NOTIFICATION_OUTCOMES = ['sent', 'retried', 'dead'] as const;

/**
 * The app's Prometheus metrics, on a registry of its own (one per app, so a test can start
 * several). Created at start-up and handed to whatever records into it; never a module singleton.
 * Labels carry kinds and ids from the app's own registries, never user ids or free text.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly slackRequests = new Counter({
    name: 'gatehouse_slack_requests_total',
    help: 'Requests from Slack by kind (command, action, view, event), id (sub-command, action_id, callback_id, event type) and outcome (ok, refused, error).',
    labelNames: ['kind', 'id', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly slackRefusals = new Counter({
    name: 'gatehouse_slack_refusals_total',
    help: 'Requests from Slack the engine refused, by kind, id and the refusal code (request.already_decided, input.out_of_date, …).',
    labelNames: ['kind', 'id', 'code'] as const,
    registers: [this.registry],
  });
  private readonly ackSeconds = new Histogram({
    name: 'gatehouse_slack_ack_seconds',
    help: 'Time from a Slack request reaching the app to its ack (Slack gives up at 3 s).',
    labelNames: ['kind'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5],
    registers: [this.registry],
  });
  private readonly jobSeconds = new Histogram({
    name: 'gatehouse_job_duration_seconds',
    help: 'Wall time of one run of a scheduled job.',
    labelNames: ['job'] as const,
    buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
    registers: [this.registry],
  });
  private readonly jobFailures = new Counter({
    name: 'gatehouse_job_failures_total',
    help: 'Runs of a scheduled job that threw (it runs again on the next tick).',
    labelNames: ['job'] as const,
    registers: [this.registry],
  });
  private readonly jobLagSeconds = new Histogram({
    name: 'gatehouse_job_lag_seconds',
    help: 'How late the oldest due item of a job was (domain time) when a tick began processing it.',
    labelNames: ['job'] as const,
    buckets: [1, 5, 15, 30, 60, 120, 300, 900, 3600, 21_600, 86_400],
    registers: [this.registry],
  });
  private readonly deliveryCount = new Counter({
    name: 'gatehouse_deliveries_total',
    help: 'Grant and revoke attempts by outcome (delivered, failed: retried later, abandoned, skipped: kept by another package, canceled).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  private readonly notificationCount = new Counter({
    name: 'gatehouse_notifications_total',
    help: 'DM send attempts from the outbox by outcome (sent, retried, dead).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  private readonly outboxBacklog = new Gauge({
    name: 'gatehouse_outbox_backlog',
    help: 'Notifications not yet sent and not given up (read from the store at scrape).',
    registers: [this.registry],
  });
  private readonly outboxDead = new Gauge({
    name: 'gatehouse_outbox_dead_letters',
    help: 'Notifications given up, kept with their reason (read from the store at scrape).',
    registers: [this.registry],
  });
  private readonly storeUp = new Gauge({
    name: 'gatehouse_store_up',
    help: '1 when the scrape could read the store, 0 when it could not (the outbox gauges then keep their last values).',
    registers: [this.registry],
  });

  constructor(private readonly options: MetricsOptions = {}) {
    for (const outcome of DELIVERY_OUTCOMES) this.deliveryCount.inc({ outcome }, 0);
    for (const outcome of NOTIFICATION_OUTCOMES) this.notificationCount.inc({ outcome }, 0);
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  slackRequest(kind: SlackRequestKind, id: string, outcome: RequestOutcome): void {
    this.slackRequests.inc({ kind, id, outcome });
  }

  /** `code` is an ErrorCode (a fixed list), never text from the refusal. */
  slackRefusal(kind: SlackRequestKind, id: string, code: string): void {
    this.slackRefusals.inc({ kind, id, code });
  }

  acked(kind: SlackRequestKind, seconds: number): void {
    this.ackSeconds.observe({ kind }, seconds);
  }

  jobRan(job: string, seconds: number, failed: boolean): void {
    this.jobSeconds.observe({ job }, seconds);
    if (failed) this.jobFailures.inc({ job });
  }

  jobLag(job: string, seconds: number): void {
    this.jobLagSeconds.observe({ job }, Math.max(0, seconds));
  }

  deliveries(report: Pick<DeliveryReport, (typeof DELIVERY_OUTCOMES)[number]>): void {
    for (const outcome of DELIVERY_OUTCOMES) {
      if (report[outcome] > 0) this.deliveryCount.inc({ outcome }, report[outcome]);
    }
  }

  notifications(report: Pick<OutboxReport, (typeof NOTIFICATION_OUTCOMES)[number]>): void {
    for (const outcome of NOTIFICATION_OUTCOMES) {
      if (report[outcome] > 0) this.notificationCount.inc({ outcome }, report[outcome]);
    }
  }

  /** The exposition text: the store read once, then every metric. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    if (this.options.readStore) {
      try {
        const store = await this.options.readStore();
        this.outboxBacklog.set(store.outboxBacklog);
        this.outboxDead.set(store.outboxDeadLetters);
        this.storeUp.set(1);
      } catch (error) {
        this.storeUp.set(0);
        this.options.log?.warn(
          { err: error instanceof Error ? error.message : String(error) },
          'metrics: could not read the outbox counts',
        );
      }
    }
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

export function createMetrics(options: MetricsOptions = {}): Metrics {
  return new Metrics(options);
}
