import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slackUsergroupConnector } from '../../src/connectors/slack-usergroup.js';
import { queryRows } from '../../src/db/client.js';
import { outbox, resources } from '../../src/db/schema.js';
import { silentLogger } from '../../src/logger.js';
import { FakeSlack, SANDBOX_BOT_TOKEN } from '../../src/sandbox/fake-slack.js';
import { WOODGROVE, woodgroveSeed } from '../../src/sandbox/seeds.js';
import { SYSTEM } from '../../src/services/context.js';
import { deliverDue, deliverFulfilments } from '../../src/services/lifecycle/delivery.js';
import { createAssignment } from '../../src/services/lifecycle/lifecycle.js';
import { reconcileResources } from '../../src/services/lifecycle/reconcile.js';
import { inTransaction } from '../../src/services/tx.js';
import { backgroundClient } from '../../src/slack/clients.js';
import { slackMembershipReader } from '../../src/slack/membership-reader.js';
import { databaseLabel } from '../support/db.js';
import { createTestEngine, type TestEngine } from '../support/engine.js';
import { insertPackage, insertResource } from '../support/fixtures.js';

describe(`reconciliation against the simulated workspace (${databaseLabel})`, () => {
  const fake = new FakeSlack({ seed: woodgroveSeed(), rateLimits: false });
  let t: TestEngine;
  beforeAll(async () => {
    await fake.start();
    t = await createTestEngine();
  });
  afterAll(async () => {
    await t.close();
    await fake.stop();
  });

  it('puts back a member removed by hand and reports one added by hand; exclusive mode removes them', async () => {
    const client = backgroundClient({ token: SANDBOX_BOT_TOKEN, apiUrl: fake.apiUrl, log: silentLogger });
    const deps = {
      ...t.deps,
      connectors: { ...t.deps.connectors, slack_usergroup: slackUsergroupConnector(client) },
    };
    const reader = slackMembershipReader(client);
    const resource = await insertResource(t.database.db, {
      externalId: WOODGROVE.marketingGroup,
      name: 'Marketing resources',
    });
    const pkg = await insertPackage(t.database.db, { resource });
    const assigned = await inTransaction(deps, (tx, now) =>
      createAssignment(tx, now, SYSTEM, {
        userId: WOODGROVE.requestor,
        packageId: pkg.packageId,
        packageName: pkg.name,
        policyId: pkg.policyId,
        requestId: null,
        startsAt: now,
        endsAt: null,
        reminderOffsetsHours: [],
      }),
    );
    await deliverFulfilments(deps, assigned.fulfilmentIds);
    expect(fake.groupMembers(WOODGROVE.marketingGroup)).toEqual([WOODGROVE.requestor]);

    // By hand in Slack: Requestor1 taken out, Approver1 put in.
    fake.group(WOODGROVE.marketingGroup).users = [WOODGROVE.approver];

    const report = await reconcileResources(deps, reader);
    expect(report).toMatchObject({ regranted: 1, outsiders: 1, removedOutsiders: 0 });
    await deliverDue(deps);
    expect(fake.groupMembers(WOODGROVE.marketingGroup).sort()).toEqual(
      [WOODGROVE.approver, WOODGROVE.requestor].sort(),
    );
    const reports = await t.database.db.select().from(outbox).where(eq(outbox.kind, 'reconciliation_report'));
    expect(reports.map((r) => r.recipient)).toContain('UADMIN0001');
    expect(reports[0]!.data).toMatchObject({ outsiders: [WOODGROVE.approver], removed: [] });

    // A second run finds nothing new to put back and reports the same outsider only once a day.
    const again = await reconcileResources(deps, reader);
    expect(again.regranted).toBe(0);
    expect(
      await t.database.db.select().from(outbox).where(eq(outbox.kind, 'reconciliation_report')),
    ).toHaveLength(reports.length);

    await t.database.db
      .update(resources)
      .set({ managedExclusively: true })
      .where(eq(resources.id, resource.id));
    const exclusive = await reconcileResources(deps, reader);
    expect(exclusive.removedOutsiders).toBe(1);
    expect(fake.groupMembers(WOODGROVE.marketingGroup)).toEqual([WOODGROVE.requestor]);
    const audit = await queryRows<{ action: string }>(
      t.database.db,
      sql`select action from audit_log where resource_id = ${resource.id} order by id`,
    );
    expect(audit.map((a) => a.action)).toEqual([
      'resource.reconciled_missing',
      'resource.reconciled_outsiders',
      'resource.reconciled_outsiders',
      'resource.reconciled_outsiders',
    ]);
  });
});
