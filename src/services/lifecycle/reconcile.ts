import { sql } from 'drizzle-orm';
import type { ProvisioningTarget } from '../../connectors/port.js';
import { queryRows } from '../../db/client.js';
import type { Resource } from '../../db/schema.js';
import { notification } from '../../domain/notifications.js';
import type { ResourceKind } from '../../domain/resource-kinds.js';
import { audit } from '../audit.js';
import { type EngineDeps, SYSTEM } from '../context.js';
import { notify } from '../notify.js';
import { ACTIVE_ASSIGNMENTS, sqlStateList } from '../sql-lists.js';
import { inTransaction, wakeAfterCommit } from '../tx.js';
import { requeueMissingGrants } from './fulfilment-writer.js';

/** Reads who is in a Slack resource now (usergroups.users.list, conversations.members). */
export interface MembershipReader {
  members(resource: Pick<Resource, 'kind' | 'externalId'>): Promise<string[]>;
}

export interface ReconcileReport {
  resources: number;
  regranted: number;
  outsiders: number;
  removedOutsiders: number;
  failed: number;
}

/** The kinds whose members can be read back and compared: Slack's, and LDAP groups. */
export type ReconciledKind = Exclude<ResourceKind, 'webhook'>;
export const SLACK_KINDS: readonly ReconciledKind[] = ['slack_usergroup', 'slack_channel'];

interface ManagedResource {
  id: number;
  kind: ReconciledKind;
  external_id: string;
  name: string;
  catalog_id: number;
  managed_exclusively: boolean;
}

/**
 * Compares each resource of `kinds` (Slack user groups and channels unless told) that a package
 * grants with the active assignments:
 * a member Gatehouse granted who is missing (removed by hand) is granted again; a member nobody
 * granted is reported to the catalog's owners (and the admins), and removed only when the resource
 * is marked as managed exclusively by Gatehouse. Members are read outside any transaction.
 */
export async function reconcileResources(
  deps: EngineDeps,
  reader: MembershipReader,
  kinds: readonly ReconciledKind[] = SLACK_KINDS,
): Promise<ReconcileReport> {
  const report: ReconcileReport = {
    resources: 0,
    regranted: 0,
    outsiders: 0,
    removedOutsiders: 0,
    failed: 0,
  };
  const resources = await queryRows<ManagedResource>(
    deps.database.db,
    sql`select distinct r.id, r.kind, r.external_id, r.name, r.catalog_id, r.managed_exclusively
          from resources r join package_resource_roles prr on prr.resource_id = r.id
          join access_packages p on p.id = prr.package_id and p.deleted_at is null
         where r.removed_at is null and r.kind in ${sqlStateList(kinds)} order by r.id`,
  );
  for (const resource of resources) {
    report.resources += 1;
    let present: Set<string>;
    try {
      present = new Set(await reader.members({ kind: resource.kind, externalId: resource.external_id }));
    } catch (error) {
      report.failed += 1;
      deps.log.warn(
        { resource: resource.external_id, err: String(error) },
        'reconciliation could not read members',
      );
      continue;
    }
    await reconcileOne(deps, resource, present, report);
  }
  return report;
}

async function reconcileOne(
  deps: EngineDeps,
  resource: ManagedResource,
  present: Set<string>,
  report: ReconcileReport,
) {
  const expected = await queryRows<{ user_id: string; fulfilment_id: number | null }>(
    deps.database.db,
    sql`select a.user_id, max(f.id) as fulfilment_id
          from assignments a
          join package_resource_roles prr on prr.package_id = a.package_id and prr.resource_id = ${resource.id}
          left join fulfilments f on f.assignment_id = a.id and f.resource_id = ${resource.id}
                                  and f.action = 'grant' and f.state = 'delivered'
         where a.state in ${ACTIVE_ASSIGNMENTS}
         group by a.user_id`,
  );
  const granted = new Set(expected.map((e) => e.user_id));
  const missing = expected.filter((e) => !present.has(e.user_id) && e.fulfilment_id !== null);
  const outsiders = [...present].filter((userId) => !granted.has(userId) && !userId.startsWith('B'));
  const botUserIds = new Set(
    (await queryRows<{ id: string }>(deps.database.db, sql`select id from users where kind = 'bot'`)).map(
      (r) => r.id,
    ),
  );
  const people = outsiders.filter((id) => !botUserIds.has(id));

  if (missing.length > 0) {
    await inTransaction(deps, async (tx, now) => {
      const ids = missing.map((m) => Number(m.fulfilment_id));
      // Put the grant back in the queue; the delivery job adds them again (idempotently).
      await requeueMissingGrants(tx, now, ids);
      wakeAfterCommit(tx, 'delivery');
      await audit(tx, now, SYSTEM, {
        action: 'resource.reconciled_missing',
        catalogId: resource.catalog_id,
        resourceId: resource.id,
        data: { regranted: missing.map((m) => m.user_id) },
      });
    });
    report.regranted += missing.length;
  }

  if (people.length === 0) return;
  report.outsiders += people.length;
  let removed: string[] = [];
  if (resource.managed_exclusively) {
    removed = await removeOutsiders(deps, resource, people);
    report.removedOutsiders += removed.length;
  }
  await inTransaction(deps, async (tx, now) => {
    const owners = await queryRows<{ user_id: string }>(
      tx,
      sql`select user_id from catalog_role_holders where catalog_id = ${resource.catalog_id} and role = 'owner'`,
    );
    const recipients = new Set([...owners.map((o) => o.user_id), ...deps.adminUserIds]);
    const day = now.toISOString().slice(0, 10);
    await audit(tx, now, SYSTEM, {
      action: 'resource.reconciled_outsiders',
      catalogId: resource.catalog_id,
      resourceId: resource.id,
      data: { outsiders: people, removed, managedExclusively: resource.managed_exclusively },
    });
    await notify(
      tx,
      now,
      ...[...recipients].map((recipient) =>
        notification('reconciliation_report', recipient, {
          resourceId: resource.id,
          resource: resource.name,
          kind: resource.kind,
          outsiders: people,
          removed,
          day,
        }),
      ),
    );
  });
}

/** Managed exclusively: members nobody granted are taken out, under the resource's lock. */
async function removeOutsiders(
  deps: EngineDeps,
  resource: ManagedResource,
  people: string[],
): Promise<string[]> {
  const connector = deps.connectors[resource.kind];
  const removed: string[] = [];
  for (const userId of people) {
    const target: ProvisioningTarget = {
      resource: {
        id: resource.id,
        kind: resource.kind,
        externalId: resource.external_id,
        name: resource.name,
        webhookUrl: null,
        webhookSecret: null,
      },
      role: 'member',
      userId,
      assignmentId: 0,
      packageId: 0,
      packageName: '',
      deliveryId: `reconcile-${resource.id}-${userId}`,
    };
    try {
      const done = await deps.database.withLock(`resource:${resource.id}`, async (db) => {
        // Granted meanwhile? Then they are no outsider any more.
        const [granted] = await queryRows<{ n: number }>(
          db,
          sql`select count(*)::int as n from assignments a
                join package_resource_roles prr on prr.package_id = a.package_id and prr.resource_id = ${resource.id}
               where a.user_id = ${userId} and a.state in ${ACTIVE_ASSIGNMENTS}`,
        );
        if (Number(granted?.n ?? 0) > 0) return false;
        await connector.revoke(target);
        return true;
      });
      if (done) removed.push(userId);
    } catch (error) {
      deps.log.warn(
        { resource: resource.external_id, userId, err: String(error) },
        'could not remove an outsider',
      );
    }
  }
  return removed;
}
