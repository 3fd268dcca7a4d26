import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.js';
import { parseExposition, sumOf } from '../../src/metrics/exposition.js';
import { jobObserver } from '../../src/metrics/job-observer.js';
import { createMetrics, type StoreGauges } from '../../src/metrics/metrics.js';

async function samples(metrics: ReturnType<typeof createMetrics>) {
  const { contentType, body } = await metrics.scrape();
  expect(contentType).toContain('text/plain');
  return parseExposition(body);
}

describe('metrics', () => {
  it('each app has a registry of its own: two can live in one process without seeing each other', async () => {
    const a = createMetrics({ processMetrics: false });
    const b = createMetrics({ processMetrics: false });
    a.slackRequest('command', 'list', 'ok');
    a.slackRequest('command', 'list', 'ok');
    a.slackRequest('action', 'approve_request', 'refused');
    const fromA = await samples(a);
    expect(
      sumOf(fromA, 'gatehouse_slack_requests_total', { kind: 'command', id: 'list', outcome: 'ok' }),
    ).toBe(2);
    expect(sumOf(fromA, 'gatehouse_slack_requests_total', { outcome: 'refused' })).toBe(1);
    expect(sumOf(await samples(b), 'gatehouse_slack_requests_total')).toBe(0);
  });

  it('process metrics come with the registry unless turned off', async () => {
    const withProcess = (await createMetrics().scrape()).body;
    expect(withProcess).toContain('process_cpu_user_seconds_total');
    expect((await createMetrics({ processMetrics: false }).scrape()).body).not.toContain('process_cpu');
  });

  it('acks, jobs, lag, deliveries and DMs are counted by their labels', async () => {
    const metrics = createMetrics({ processMetrics: false });
    metrics.acked('command', 0.04);
    metrics.acked('command', 2.5);
    metrics.jobRan('expiry', 0.2, false);
    metrics.jobRan('expiry', 0.1, true);
    metrics.jobLag('outbox', 90);
    metrics.jobLag('outbox', -1);
    metrics.deliveries({ delivered: 3, failed: 1, abandoned: 0, skipped: 2, canceled: 0 });
    metrics.notifications({ sent: 4, retried: 1, dead: 1 });
    const s = await samples(metrics);
    expect(sumOf(s, 'gatehouse_slack_ack_seconds_count', { kind: 'command' })).toBe(2);
    expect(sumOf(s, 'gatehouse_slack_ack_seconds_bucket', { kind: 'command', le: '0.05' })).toBe(1);
    expect(sumOf(s, 'gatehouse_slack_ack_seconds_bucket', { kind: 'command', le: '3' })).toBe(2);
    expect(sumOf(s, 'gatehouse_job_duration_seconds_count', { job: 'expiry' })).toBe(2);
    expect(sumOf(s, 'gatehouse_job_failures_total', { job: 'expiry' })).toBe(1);
    expect(sumOf(s, 'gatehouse_job_lag_seconds_sum', { job: 'outbox' })).toBe(90);
    expect(sumOf(s, 'gatehouse_job_lag_seconds_count', { job: 'outbox' })).toBe(2);
    expect(sumOf(s, 'gatehouse_deliveries_total', { outcome: 'delivered' })).toBe(3);
    expect(sumOf(s, 'gatehouse_deliveries_total', { outcome: 'skipped' })).toBe(2);
    expect(sumOf(s, 'gatehouse_deliveries_total', { outcome: 'abandoned' })).toBe(0);
    expect(s.some((x) => x.name === 'gatehouse_deliveries_total' && x.labels.outcome === 'abandoned')).toBe(
      true,
    );
    expect(sumOf(s, 'gatehouse_notifications_total', { outcome: 'dead' })).toBe(1);
  });

  it('reads the store once per scrape; when it cannot, says so and keeps the last values', async () => {
    let reads = 0;
    let next: StoreGauges | Error = { outboxBacklog: 7, outboxDeadLetters: 2 };
    const metrics = createMetrics({
      processMetrics: false,
      log: silentLogger,
      readStore: async () => {
        reads += 1;
        if (next instanceof Error) throw next;
        return next;
      },
    });
    let s = await samples(metrics);
    expect(reads).toBe(1);
    expect(sumOf(s, 'gatehouse_outbox_backlog')).toBe(7);
    expect(sumOf(s, 'gatehouse_outbox_dead_letters')).toBe(2);
    expect(sumOf(s, 'gatehouse_store_up')).toBe(1);
    next = new Error('connection refused');
    s = await samples(metrics);
    expect(reads).toBe(2);
    expect(sumOf(s, 'gatehouse_store_up')).toBe(0);
    expect(sumOf(s, 'gatehouse_outbox_backlog')).toBe(7);
  });

  it("the job observer counts runs, failures, and deliveries and DMs from the jobs' reports", async () => {
    const metrics = createMetrics({ processMetrics: false });
    const observer = jobObserver(metrics, {} as never);
    observer.jobFinished!('delivery', {
      seconds: 0.3,
      failed: false,
      result: { claimed: 3, delivered: 2, failed: 1, abandoned: 0, skipped: 0, canceled: 0 },
    });
    observer.jobFinished!('outbox', {
      seconds: 0.1,
      failed: false,
      result: { claimed: 2, sent: 2, retried: 0, dead: 0 },
    });
    observer.jobFinished!('delivery', { seconds: 0.1, failed: true, result: undefined });
    observer.jobFinished!('expiry', { seconds: 0.1, failed: false, result: { delivered: 99 } });
    const s = await samples(metrics);
    expect(sumOf(s, 'gatehouse_deliveries_total', { outcome: 'delivered' })).toBe(2);
    expect(sumOf(s, 'gatehouse_deliveries_total', { outcome: 'failed' })).toBe(1);
    expect(sumOf(s, 'gatehouse_notifications_total', { outcome: 'sent' })).toBe(2);
    expect(sumOf(s, 'gatehouse_job_duration_seconds_count', { job: 'delivery' })).toBe(2);
    expect(sumOf(s, 'gatehouse_job_failures_total', { job: 'delivery' })).toBe(1);
  });

  it('parses label values with escapes', () => {
    const [sample] = parseExposition('m{a="x\\"y",b="1"} 3.5\n# HELP m x\n');
    expect(sample).toEqual({ name: 'm', labels: { a: 'x"y', b: '1' }, value: 3.5 });
  });
});
