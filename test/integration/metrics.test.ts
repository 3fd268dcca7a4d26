import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OffsetClock } from '../../src/clock.js';
import { queryRows } from '../../src/db/client.js';
import { parseExposition, type Sample, sumOf } from '../../src/metrics/exposition.js';
import type { GatehouseSandbox } from '../../src/sandbox/gatehouse-sandbox.js';
import { WOODGROVE } from '../../src/sandbox/seeds.js';
import { MARKETING_GROUP, makePackage, OPEN_POLICY } from '../support/catalog.js';
import { databaseLabel } from '../support/db.js';
import { startSandbox } from '../support/sandbox.js';

const { requestor, marketingGroup } = WOODGROVE;

describe(`GET /metrics (${databaseLabel})`, () => {
  let s: GatehouseSandbox & { close(): Promise<void> };
  beforeAll(async () => {
    s = await startSandbox();
  });
  afterAll(() => s.close());

  async function scrape(): Promise<Sample[]> {
    const response = await fetch(`${s.origin}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    return parseExposition(await response.text());
  }

  /** How much each metric moved between two scrapes. */
  function moved(before: Sample[], after: Sample[], name: string, labels: Record<string, string> = {}) {
    return sumOf(after, name, labels) - sumOf(before, name, labels);
  }

  /** A package in General granting the Marketing resources group, requested by Requestor1 through Slack. */
  async function requestDelivered(name: string) {
    const created = await makePackage(s.gatehouse.deps, {
      name,
      resourceRoles: [MARKETING_GROUP],
      policy: OPEN_POLICY,
    });
    await s.command(requestor, `request ${name}`);
    const { ack } = await s.submit({ userId: requestor, answers: {} });
    expect(ack).toBeNull();
    expect(s.fake.groupMembers(marketingGroup)).toContain(requestor);
    return created.package.id;
  }

  it('counts commands by sub-command and outcome, and times their acks', async () => {
    const before = await scrape();
    await s.command(requestor, 'list');
    await s.command(requestor, 'cancel R-999999');
    const after = await scrape();
    const requests = 'gatehouse_slack_requests_total';
    expect(moved(before, after, requests, { kind: 'command', id: 'list', outcome: 'ok' })).toBe(1);
    expect(moved(before, after, requests, { kind: 'command', id: 'cancel', outcome: 'refused' })).toBe(1);
    // Refusals are labelled by the engine's code, never by their text.
    const refusals = 'gatehouse_slack_refusals_total';
    expect(moved(before, after, refusals, { kind: 'command', id: 'cancel', code: 'request.not_found' })).toBe(
      1,
    );
    expect(moved(before, after, requests, { outcome: 'error' })).toBe(0);
    expect(moved(before, after, 'gatehouse_slack_ack_seconds_count', { kind: 'command' })).toBe(2);
    expect(moved(before, after, 'gatehouse_slack_ack_seconds_bucket', { kind: 'command', le: '3' })).toBe(2);
  });

  it('counts the view submission, the delivery and the DMs a request makes; the outbox drains', async () => {
    const before = await scrape();
    await requestDelivered('Metrics Delivery');
    const after = await scrape();
    expect(
      moved(before, after, 'gatehouse_slack_requests_total', {
        kind: 'view',
        id: 'request_access',
        outcome: 'ok',
      }),
    ).toBe(1);
    expect(moved(before, after, 'gatehouse_deliveries_total', { outcome: 'delivered' })).toBe(1);
    expect(moved(before, after, 'gatehouse_notifications_total', { outcome: 'sent' })).toBeGreaterThanOrEqual(
      2,
    );
    expect(moved(before, after, 'gatehouse_job_duration_seconds_count', { job: 'outbox' })).toBeGreaterThan(
      0,
    );
    expect(sumOf(after, 'gatehouse_outbox_backlog')).toBe(0);
    expect(sumOf(after, 'gatehouse_store_up')).toBe(1);
  });

  it('measures how late the jobs pick up due work, and counts what they deliver and give up', async () => {
    const packageId = await requestDelivered('Metrics Lag');
    const [assignment] = await queryRows<{ ends_at: Date | string }>(
      s.gatehouse.database.db,
      sql`select ends_at from assignments where package_id = ${packageId} and user_id = ${requestor}`,
    );
    // The clock passes the end by two minutes with no tick in between: the jobs are that late.
    (s.gatehouse.deps.clock as OffsetClock).advanceTo(
      new Date(new Date(assignment!.ends_at).getTime() + 120_000),
    );
    // Slack refuses the DMs for good: they become dead letters.
    s.fake.failNext('chat.postMessage', { error: 'is_archived' }, 20);
    const before = await scrape();
    // The test runs the tick itself: no command or click starts one (writes wake only the jobs
    // they queued work for), so nothing else has looked at the expired assignment before it.
    await s.gatehouse.jobs.runAll();
    const after = await scrape();
    const lag = moved(before, after, 'gatehouse_job_lag_seconds_sum', { job: 'expiry' });
    expect(lag).toBeGreaterThanOrEqual(120);
    expect(lag).toBeLessThan(200);
    expect(moved(before, after, 'gatehouse_job_lag_seconds_count', { job: 'expiry' })).toBeGreaterThanOrEqual(
      1,
    );
    // Every assignment of the group past its end is revoked (the earlier test's too).
    expect(
      moved(before, after, 'gatehouse_deliveries_total', { outcome: 'delivered' }),
    ).toBeGreaterThanOrEqual(1);
    // Requestor1 was the group's last member: Slack refuses an empty group, so it is disabled.
    expect(s.fake.group(marketingGroup).disabled).toBe(true);
    expect(moved(before, after, 'gatehouse_notifications_total', { outcome: 'dead' })).toBeGreaterThanOrEqual(
      1,
    );
    expect(sumOf(after, 'gatehouse_outbox_dead_letters')).toBeGreaterThanOrEqual(1);
    expect(moved(before, after, 'gatehouse_job_failures_total')).toBe(0);
  });

  it('serves process metrics too, and apps in one process keep their own counts', async () => {
    const other = await startSandbox();
    try {
      await other.command(requestor, 'list');
      const otherSamples = parseExposition(await (await fetch(`${other.origin}/metrics`)).text());
      const mine = await scrape();
      expect(sumOf(otherSamples, 'gatehouse_slack_requests_total')).toBe(1);
      expect(sumOf(mine, 'gatehouse_slack_requests_total')).toBeGreaterThan(1);
      expect(mine.some((x) => x.name === 'process_resident_memory_bytes')).toBe(true);
    } finally {
      await other.close();
    }
  });
});
