import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connector, ConnectorRegistry, ProvisioningTarget } from '../../src/connectors/port.js';
import { type Database, type Db, openDatabase } from '../../src/db/client.js';
import { fulfilments, packageResourceRoles } from '../../src/db/schema.js';
import type { EngineDeps } from '../../src/services/context.js';
import { DELIVERY_LEASE_MS, deliverDue } from '../../src/services/lifecycle/delivery-runner.js';
import { decideRequest, submitRequest } from '../../src/services/requests/requests.js';
import { databaseLabel, testDatabaseUrl } from '../support/db.js';
import { createTestEngine, type TestEngine } from '../support/engine.js';
import { insertResource, insertUser } from '../support/fixtures.js';
import type { RecordingConnector } from '../support/recording-connector.js';
import { scenario, stored } from '../support/request-fixtures.js';

/**
 * A process that dies between committing an approval and delivering its grants, and a delivery
 * run that fails half way: the work stays in the store, leased, and a later run (this process or
 * a restarted one) delivers it, once.
 */

const LEASE_SECONDS = DELIVERY_LEASE_MS / 1000;

let t: TestEngine;
/** The "restarted" process: its own handle on the same database (PGlite has only the one). */
let restartedHandle: Database;

beforeAll(async () => {
  t = await createTestEngine({ poolSize: 6 });
  const url = testDatabaseUrl(t.database);
  restartedHandle = url ? await openDatabase({ databaseUrl: url, poolSize: 6 }) : t.database;
});
afterAll(async () => {
  if (restartedHandle !== t.database) await restartedHandle.close();
  await t.close();
});

/** A connector in front of the recording one that throws what `failWith` says on its next calls. */
class FaultyConnector implements Connector {
  private readonly failures: (() => Error)[] = [];
  constructor(private readonly slack: RecordingConnector) {}
  throwNext(error: () => Error) {
    this.failures.push(error);
  }
  async grant(target: ProvisioningTarget) {
    const failure = this.failures.shift();
    if (failure) throw failure();
    await this.slack.grant(target);
  }
  async revoke(target: ProvisioningTarget) {
    await this.slack.revoke(target);
  }
  registry(): ConnectorRegistry {
    return { slack_usergroup: this, slack_channel: this, webhook: this, ldap_group: this };
  }
}

/** A requestor, an approver and a package of one or two user groups that needs the approver's yes. */
async function approvalScenario(groupCount: 1 | 2 = 2) {
  const approver = await insertUser(t.database.db);
  const s = await scenario(t, () => ({ approvalStages: [{ approverUserIds: [approver] }] }));
  const groups = [s.resource.externalId];
  if (groupCount === 2) {
    const second = await insertResource(t.database.db, { catalogId: s.catalogId });
    await t.database.db
      .insert(packageResourceRoles)
      .values({ packageId: s.packageId, resourceId: second.id, role: 'member' });
    groups.push(second.externalId);
  }
  return { ...s, approver, groups };
}

function grantsTo(userId: string) {
  return t.connector.calls.filter((c) => c.action === 'grant' && c.userId === userId);
}

async function grantRows(db: Db, assignmentId: number) {
  return db
    .select()
    .from(fulfilments)
    .where(eq(fulfilments.assignmentId, assignmentId))
    .orderBy(fulfilments.id);
}

/** Delivered once: the request and assignment say so once, with one DM, and both groups hold the person. */
async function expectDeliveredOnce(s: { requestor: string; groups: string[] }, requestId: number) {
  const request = await stored.request(t.database.db, requestId);
  expect(request.state).toBe('delivered');
  expect(await stored.audit(t.database.db, { requestId, action: 'request.delivered' })).toHaveLength(1);
  expect(
    await stored.audit(t.database.db, {
      assignmentId: request.assignmentId!,
      action: 'assignment.delivered',
    }),
  ).toHaveLength(1);
  expect(
    await stored.outbox(t.database.db, { recipient: s.requestor, kind: 'access_delivered' }),
  ).toHaveLength(1);
  for (const group of s.groups) expect(t.connector.has(group, s.requestor)).toBe(true);
  const grants = await grantRows(t.database.db, request.assignmentId!);
  expect(grants.map((g) => [g.state, g.claimedUntil])).toEqual(s.groups.map(() => ['delivered', null]));
}

describe(`crash recovery (${databaseLabel})`, () => {
  it('killed between approval and delivery: a restarted engine delivers after the lease, calling Slack once', async () => {
    const s = await approvalScenario();
    // The process that dies right after the approval commits: its deliveries never run.
    const dying: EngineDeps = { ...t.deps, deliverLater: () => {} };
    const { requestId } = await submitRequest(dying, { userId: s.requestor }, { packageId: s.packageId });
    const approved = await decideRequest(dying, { userId: s.approver }, { requestId, decision: 'approve' });
    expect(approved.state).toBe('delivering');
    expect(grantsTo(s.requestor)).toHaveLength(0);
    const leased = await grantRows(t.database.db, approved.assignmentId!);
    expect(leased.map((g) => [g.state, g.attempts])).toEqual([
      ['pending', 0],
      ['pending', 0],
    ]);
    for (const g of leased) expect(g.claimedUntil!.getTime()).toBeGreaterThan(t.clock.now().getTime());

    const restarted: EngineDeps = { ...t.deps, database: restartedHandle };
    // While the lease holds, the dead process might still be calling Slack: nobody else does.
    t.clock.advanceSeconds(LEASE_SECONDS - 10);
    expect((await deliverDue(restarted)).claimed).toBe(0);
    expect((await stored.request(t.database.db, requestId)).state).toBe('delivering');

    t.clock.advanceSeconds(11);
    const report = await deliverDue(restarted);
    expect(report).toMatchObject({ claimed: 2, delivered: 2, failed: 0 });
    expect(grantsTo(s.requestor)).toHaveLength(2);
    await expectDeliveredOnce(s, requestId);
    // The two groups were delivered side by side: the first done is not a partial delivery.
    expect(await stored.audit(t.database.db, { requestId, action: 'request.partially_delivered' })).toEqual(
      [],
    );
    expect(await stored.outbox(t.database.db, { recipient: s.requestor, kind: 'delivery_failed' })).toEqual(
      [],
    );

    expect((await deliverDue(restarted)).claimed).toBe(0);
    expect(grantsTo(s.requestor)).toHaveLength(2);
  });

  it('a delivery run whose connector throws a plain error half way leaves the grant retryable, then delivers it once', async () => {
    const s = await approvalScenario();
    const faulty = new FaultyConnector(t.connector);
    const deps: EngineDeps = { ...t.deps, connectors: faulty.registry() };
    // Not a ConnectorError: a bug or a dropped socket inside the connector.
    faulty.throwNext(() => new TypeError("Cannot read properties of undefined (reading 'users')"));
    const { requestId } = await submitRequest(deps, { userId: s.requestor }, { packageId: s.packageId });
    const approved = await decideRequest(deps, { userId: s.approver }, { requestId, decision: 'approve' });

    // Half delivered: the first grant failed and waits for its retry, the second went through.
    expect(approved.delivery).toMatchObject({ claimed: 2, delivered: 1, failed: 1, abandoned: 0 });
    expect((await stored.request(t.database.db, requestId)).state).toBe('partially_delivered');
    // The two groups are delivered side by side: either may have drawn the error.
    const rows = await grantRows(t.database.db, approved.assignmentId!);
    const failed = rows.find((g) => g.state === 'failed');
    const delivered = rows.find((g) => g.state !== 'failed');
    expect(failed).toMatchObject({ state: 'failed', attempts: 1, claimedUntil: null });
    expect(failed!.lastError).toContain('Cannot read properties');
    expect(failed!.nextAttemptAt.getTime()).toBeGreaterThan(t.clock.now().getTime());
    expect(delivered).toMatchObject({ state: 'delivered', attempts: 1 });
    expect(grantsTo(s.requestor)).toHaveLength(1);

    expect((await deliverDue(deps)).claimed).toBe(0);
    t.clock.advanceSeconds(31);
    expect(await deliverDue(deps)).toMatchObject({ claimed: 1, delivered: 1 });
    expect(grantsTo(s.requestor)).toHaveLength(2);
    expect(new Set(grantsTo(s.requestor).map((g) => g.externalId))).toEqual(new Set(s.groups));
    await expectDeliveredOnce(s, requestId);
    expect(
      await stored.outbox(t.database.db, { recipient: s.requestor, kind: 'delivery_failed' }),
    ).toHaveLength(1);
  });

  it('a delivery run that dies after Slack answered but before recording it is repeated after the lease, and recorded once', async () => {
    const s = await approvalScenario(1);
    let dropNextTransaction = false;
    // The runner's database connection drops right after the connector call: the outcome is lost.
    const flaky = Object.create(t.database.db) as Db;
    flaky.transaction = ((...args: Parameters<Db['transaction']>) => {
      if (dropNextTransaction) {
        dropNextTransaction = false;
        return Promise.reject(new Error('Connection terminated unexpectedly'));
      }
      return t.database.db.transaction(...args);
    }) as Db['transaction'];
    const connector = new FaultyConnector(t.connector);
    const dying: EngineDeps = {
      ...t.deps,
      database: { ...t.database, db: flaky },
      connectors: {
        ...connector.registry(),
        slack_usergroup: {
          grant: async (target) => {
            await connector.grant(target);
            dropNextTransaction = true;
          },
          revoke: (target) => connector.revoke(target),
        },
      },
      deliverLater: () => {},
    };
    const { requestId } = await submitRequest(dying, { userId: s.requestor }, { packageId: s.packageId });
    const { assignmentId } = await decideRequest(
      dying,
      { userId: s.approver },
      { requestId, decision: 'approve' },
    );
    t.clock.advanceSeconds(LEASE_SECONDS + 1);
    await expect(deliverDue(dying)).rejects.toThrow('Connection terminated unexpectedly');
    expect(grantsTo(s.requestor)).toHaveLength(1);
    const [lost] = await grantRows(t.database.db, assignmentId!);
    expect(lost).toMatchObject({ state: 'pending', attempts: 1 });
    expect(lost!.claimedUntil!.getTime()).toBeGreaterThan(t.clock.now().getTime());
    expect((await stored.request(t.database.db, requestId)).state).toBe('delivering');

    const restarted: EngineDeps = { ...t.deps, database: restartedHandle };
    expect((await deliverDue(restarted)).claimed).toBe(0);
    t.clock.advanceSeconds(LEASE_SECONDS + 1);
    expect(await deliverDue(restarted)).toMatchObject({ claimed: 1, delivered: 1 });
    // Slack was asked again for what was lost (grants are idempotent); the store says it once.
    expect(grantsTo(s.requestor)).toHaveLength(2);
    await expectDeliveredOnce(s, requestId);
    expect((await deliverDue(restarted)).claimed).toBe(0);
  });
});
