import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { outbox, resources } from '../../src/db/schema.js';
import { WOODGROVE } from '../../src/sandbox/seeds.js';
import { deliverDue } from '../../src/services/lifecycle/delivery-runner.js';
import { reconcileResources } from '../../src/services/lifecycle/reconcile.js';
import { slackMembershipReader } from '../../src/slack/membership-reader.js';
import { deliveredAssignment } from '../support/assignments.js';
import { databaseLabel } from '../support/db.js';
import { marketingPackage, useSlackBackedEngine } from '../support/slack-engine.js';

describe(`reconciliation against the simulated workspace (${databaseLabel})`, () => {
  const t = useSlackBackedEngine();

  it('puts back a member removed by hand and reports one added by hand; exclusive mode removes them', async () => {
    const { fake, slackDeps: deps } = t;
    const reader = slackMembershipReader(t.client);
    const { resource, pkg } = await marketingPackage(t);
    await deliveredAssignment(deps, pkg, WOODGROVE.requestor);
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
      sql`select action from audit_log where resource_id = ${resource.id} and action like 'resource.reconciled%' order by id`,
    );
    expect(audit.map((a) => a.action)).toEqual([
      'resource.reconciled_missing',
      'resource.reconciled_outsiders',
      'resource.reconciled_outsiders',
      'resource.reconciled_outsiders',
    ]);
  });
});
