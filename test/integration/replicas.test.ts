import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connector, ConnectorRegistry, ProvisioningTarget } from '../../src/connectors/port.js';
import { type Database, openDatabase } from '../../src/db/client.js';
import { assignments, auditLog, outbox, packageResourceRoles } from '../../src/db/schema.js';
import { engineJobs } from '../../src/jobs/engine-jobs.js';
import { type JobRunner, startJobRunner } from '../../src/jobs/runner.js';
import { silentLogger } from '../../src/logger.js';
import type { EngineDeps } from '../../src/services/context.js';
import type { DmTransport, OutboxMessage, RenderedMessage } from '../../src/services/lifecycle/outbox.js';
import { assignDirect } from '../../src/services/requests/assignments.js';
import { makePackage } from '../support/catalog.js';
import { databaseLabel, testDatabaseUrl } from '../support/db.js';
import { ADMIN, createTestEngine, type TestEngine } from '../support/engine.js';
import { insertResource, insertUser, outboxFor } from '../support/fixtures.js';
import { stored } from '../support/request-fixtures.js';

/**
 * Two replicas of the app: two engines on two database handles (two connection pools on
 * PostgreSQL; PGlite has one in-memory handle, which both share), each with its own job runner,
 * connectors and DM transport, over the same due work at the same moment (invariant 5).
 */

const HOUR_SECONDS = 3_600;
const DAY_SECONDS = 24 * HOUR_SECONDS;
const ASSIGNMENTS = 40;

/** One replica's view of Slack: records what it asked for, and does it on the shared workspace. */
class ReplicaConnector implements Connector {
  readonly calls: { action: 'grant' | 'revoke'; assignmentId: number; resourceId: number }[] = [];
  constructor(private readonly slack: Connector) {}
  async grant(target: ProvisioningTarget) {
    this.calls.push({ action: 'grant', assignmentId: target.assignmentId, resourceId: target.resource.id });
    await this.slack.grant(target);
  }
  async revoke(target: ProvisioningTarget) {
    this.calls.push({ action: 'revoke', assignmentId: target.assignmentId, resourceId: target.resource.id });
    await this.slack.revoke(target);
  }
  registry(): ConnectorRegistry {
    return { slack_usergroup: this, slack_channel: this, webhook: this, ldap_group: this };
  }
}

/** Every DM either replica posted, in the order they were posted. */
const posted: { replica: number; channel: string; outboxId: number; kind: string }[] = [];

/** A replica's DM transport: logs each post with the outbox row it carried (a user id lands in their DM). */
class RecordingTransport implements DmTransport {
  constructor(private readonly replica: number) {}
  async post(to: string, message: RenderedMessage) {
    const [kind, id] = message.text.split(':');
    const channel = to.startsWith('U') ? `D${to}` : to;
    posted.push({ replica: this.replica, channel, outboxId: Number(id), kind: kind! });
    return { ts: String(posted.length), channel };
  }
}

const render = (m: OutboxMessage): RenderedMessage => ({ text: `${m.kind}:${m.id}` });

interface Replica {
  deps: EngineDeps;
  connector: ReplicaConnector;
  runner: JobRunner;
}

let t: TestEngine;
let secondHandle: Database;
const replicas: Replica[] = [];

beforeAll(async () => {
  t = await createTestEngine({ poolSize: 8 });
  const url = testDatabaseUrl(t.database);
  secondHandle = url ? await openDatabase({ databaseUrl: url, poolSize: 8 }) : t.database;
  for (const [replica, database] of [t.database, secondHandle].entries()) {
    const connector = new ReplicaConnector(t.connector);
    const transport = new RecordingTransport(replica);
    const deps: EngineDeps = { ...t.deps, database, connectors: connector.registry() };
    const runner = startJobRunner(engineJobs(deps, { transport, render }), { cron: null, log: silentLogger });
    replicas.push({ deps, connector, runner });
  }
});
afterAll(async () => {
  for (const replica of replicas) await replica.runner.stop();
  if (secondHandle !== t.database) await secondHandle.close();
  await t.close();
});

/** 40 people holding one package of two user groups, every assignment ending in the same minute. */
async function expiringTogether(endsInSeconds: number) {
  const pkg = await makePackage(t.deps, { policy: { reminderOffsetsHours: [24] } });
  const second = await insertResource(t.database.db, { catalogId: pkg.catalogId });
  await t.database.db
    .insert(packageResourceRoles)
    .values({ packageId: pkg.packageId, resourceId: second.id, role: 'member' });
  const end = t.clock.now().getTime() + endsInSeconds * 1000;
  const people: { userId: string; assignmentId: number }[] = [];
  for (let i = 0; i < ASSIGNMENTS; i++) {
    const userId = await insertUser(t.database.db);
    const endAt = new Date(end + i * 1_000);
    const done = await assignDirect(t.deps, ADMIN, { userId, packageId: pkg.packageId, endAt });
    // Both grants are recorded side by side: the second to settle must see the first (PostgreSQL).
    expect(done.state).toBe('delivered');
    people.push({ userId, assignmentId: done.assignmentId! });
  }
  for (const { userId } of people) {
    expect(t.connector.has(pkg.resource.externalId, userId)).toBe(true);
    expect(t.connector.has(second.externalId, userId)).toBe(true);
  }
  // Nothing failed, so nobody is told their access is only partly there.
  const told = (await Promise.all(people.map((p) => outboxFor(t.database.db, p.userId)))).flat();
  expect(told.map((o) => o.kind)).toEqual(people.map(() => 'access_delivered'));
  return { pkg, groups: [pkg.resource, second], people };
}

async function bothReplicasRunEverything() {
  await Promise.all(replicas.map((r) => r.runner.runAll()));
}

function posts() {
  return posted;
}

/** Every queued DM to these people was posted once, by one replica or the other, and none is left. */
async function expectEachDmSentOnce(recipients: string[]) {
  const rows = await t.database.db.select().from(outbox).where(inArray(outbox.recipient, recipients));
  expect(rows.length).toBeGreaterThan(0);
  for (const row of rows) {
    expect(row.sentAt, `outbox ${row.id} (${row.kind})`).not.toBeNull();
    expect(row.deadAt).toBeNull();
  }
  const ids = new Set(rows.map((r) => r.id));
  const sent = posts().filter((p) => ids.has(p.outboxId));
  expect(sent).toHaveLength(rows.length);
  expect(new Set(sent.map((p) => p.outboxId)).size).toBe(rows.length);
  return rows;
}

describe(`two replicas over the same due work (${databaseLabel})`, () => {
  it('reminders due in the same minute: each person is reminded once, by one replica', async () => {
    const { people } = await expiringTogether(3 * DAY_SECONDS);
    await bothReplicasRunEverything();
    const before = posts().length;

    // Past every 24-hour reminder, short of every end.
    t.clock.advanceSeconds(2 * DAY_SECONDS + 5 * 60);
    await bothReplicasRunEverything();

    const reminders = posts()
      .slice(before)
      .filter((p) => p.kind === 'access_expiring');
    expect(reminders.map((p) => p.channel).sort()).toEqual(people.map((p) => `D${p.userId}`).sort());
    await expectEachDmSentOnce(people.map((p) => p.userId));
    const active = await Promise.all(people.map((p) => stored.assignment(t.database.db, p.assignmentId)));
    expect(active.map((a) => a.state)).toEqual(people.map(() => 'delivered'));

    // Then past the end: each assignment expires once, each membership is revoked once, each person told once.
    t.clock.advanceSeconds(DAY_SECONDS);
    await bothReplicasRunEverything();
    await expectExpiredOnce(people);
  });

  it('one jump past the end (reminders and expiry due together): everything happens once', async () => {
    const { people, groups } = await expiringTogether(2 * DAY_SECONDS);
    await bothReplicasRunEverything();

    t.clock.advanceSeconds(2 * DAY_SECONDS + 10 * 60);
    await bothReplicasRunEverything();

    await expectExpiredOnce(people);
    for (const { userId } of people) {
      for (const group of groups) expect(t.connector.has(group.externalId, userId)).toBe(false);
    }
    // A reminder may or may not beat the expiry to an assignment, but never twice.
    const rows = await expectEachDmSentOnce(people.map((p) => p.userId));
    for (const { userId } of people) {
      const mine = rows.filter((r) => r.recipient === userId);
      expect(mine.filter((r) => r.kind === 'access_expiring').length).toBeLessThanOrEqual(1);
    }
  });
});

async function expectExpiredOnce(people: { userId: string; assignmentId: number }[]) {
  const ids = people.map((p) => p.assignmentId);
  const rows = await t.database.db
    .select({ id: assignments.id, state: assignments.state })
    .from(assignments)
    .where(inArray(assignments.id, ids));
  expect(rows.map((r) => r.state)).toEqual(ids.map(() => 'expired'));

  const expired = await t.database.db
    .select({ assignmentId: auditLog.assignmentId })
    .from(auditLog)
    .where(and(eq(auditLog.action, 'assignment.expired'), inArray(auditLog.assignmentId, ids)));
  expect(expired.map((a) => a.assignmentId).sort()).toEqual([...ids].sort());

  const revokes = replicas
    .flatMap((r) => r.connector.calls)
    .filter((c) => c.action === 'revoke' && ids.includes(c.assignmentId));
  expect(revokes).toHaveLength(2 * ids.length);
  expect(new Set(revokes.map((c) => `${c.assignmentId}:${c.resourceId}`)).size).toBe(2 * ids.length);
  const revoked = await t.database.db
    .select({ assignmentId: auditLog.assignmentId })
    .from(auditLog)
    .where(and(eq(auditLog.action, 'assignment.access_revoked'), inArray(auditLog.assignmentId, ids)));
  expect(revoked).toHaveLength(2 * ids.length);

  const ended = posts().filter((p) => p.kind === 'access_ended');
  for (const { userId } of people) {
    expect(ended.filter((p) => p.channel === `D${userId}`)).toHaveLength(1);
  }
  await expectEachDmSentOnce(people.map((p) => p.userId));
}
