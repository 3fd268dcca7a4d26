import { type SQL, sql } from 'drizzle-orm';
import { ConnectorError, type ProvisioningTarget } from '../../connectors/port.js';
import { type Db, queryRows } from '../../db/client.js';
import { MAX_DELIVERY_ATTEMPTS } from '../../domain/backoff.js';
import { type AssignmentState, isActiveAssignment } from '../../domain/states.js';
import type { EngineDeps } from '../context.js';
import { ACTIVE_ASSIGNMENTS, DUE_FULFILMENTS, sqlIntArray } from '../sql-lists.js';
import { inTransaction } from '../tx.js';
import { settleAssignment } from './assignment-writer.js';
import { type AttemptedFulfilment, type DeliveryOutcome, recordAttempt } from './fulfilment-writer.js';

/**
 * The delivery runner: it runs the connectors for queued fulfilments, outside any transaction, and records each
 * outcome. A fulfilment is claimed first (attempts + 1, a lease in claimed_until) in a short
 * transaction, so another replica never calls the same connector for it while the lease holds;
 * a runner that dies mid-call leaves a lease that runs out, and the work is picked up again.
 * Every call happens under the resource's lock (invariant 3), where a grant re-checks that its
 * assignment is still active and a revoke that no other active assignment grants the same role
 * (invariant 4).
 */

export const DELIVERY_LEASE_MS = 5 * 60_000;
/** Resources delivered side by side; each holds a pooled connection for its lock. */
const PARALLEL_RESOURCES = 4;

export interface DeliveryReport {
  claimed: number;
  delivered: number;
  failed: number;
  abandoned: number;
  skipped: number;
  canceled: number;
}

interface ClaimedFulfilment extends AttemptedFulfilment {
  kind: ProvisioningTarget['resource']['kind'];
  external_id: string;
  webhook_url: string | null;
  webhook_secret: string | null;
}

/** Delivers the given fulfilments now. `preclaimed`: the caller leased them when it created them. */
export async function deliverFulfilments(
  deps: EngineDeps,
  fulfilmentIds: readonly number[],
  options: { preclaimed?: boolean } = {},
): Promise<DeliveryReport> {
  if (fulfilmentIds.length === 0) return emptyReport();
  const leaseFree = options.preclaimed
    ? sql`true`
    : sql`(claimed_until is null or claimed_until < ${deps.clock.now()})`;
  const claimed = await claim(
    deps,
    sql`id = any(${sqlIntArray(fulfilmentIds)}) and ${leaseFree}`,
    fulfilmentIds.length,
  );
  return runClaimed(deps, claimed);
}

/** Delivers what is due: pending fulfilments and failed ones whose backoff has passed. */
export async function deliverDue(
  deps: EngineDeps,
  options: { limit?: number } = {},
): Promise<DeliveryReport> {
  const now = deps.clock.now();
  const claimed = await claim(
    deps,
    sql`next_attempt_at <= ${now} and (claimed_until is null or claimed_until < ${now})`,
    options.limit ?? 200,
  );
  return runClaimed(deps, claimed);
}

async function claim(deps: EngineDeps, condition: SQL, limit: number): Promise<ClaimedFulfilment[]> {
  return inTransaction(deps, (tx, now) =>
    queryRows<ClaimedFulfilment>(
      tx,
      sql`with picked as (
        select id from fulfilments where state in ${DUE_FULFILMENTS} and ${condition}
         order by next_attempt_at, id limit ${limit} for update skip locked
      ),
      claimed as (
        update fulfilments f set attempts = f.attempts + 1, claimed_until = ${new Date(now.getTime() + DELIVERY_LEASE_MS)}
          from picked where f.id = picked.id
        returning f.*
      )
      select c.id, c.assignment_id, c.resource_id, c.role, c.user_id, c.action, c.attempts,
             r.kind, r.external_id, r.name as resource_name, r.webhook_url, r.webhook_secret,
             a.package_id, p.name as package_name
        from claimed c
        join resources r on r.id = c.resource_id
        join assignments a on a.id = c.assignment_id
        join access_packages p on p.id = a.package_id
       order by c.id`,
    ),
  );
}

async function runClaimed(deps: EngineDeps, claimed: ClaimedFulfilment[]): Promise<DeliveryReport> {
  const report = emptyReport();
  report.claimed = claimed.length;
  // One resource's calls run in order (they would queue on its lock anyway); resources run side by side.
  const byResource = new Map<number, ClaimedFulfilment[]>();
  for (const f of claimed) byResource.set(f.resource_id, [...(byResource.get(f.resource_id) ?? []), f]);
  const groups = [...byResource.values()];
  const worker = async () => {
    for (let group = groups.shift(); group; group = groups.shift()) {
      for (const f of group) {
        const outcome = await attempt(deps, f);
        report[outcome.state] += 1;
        await record(deps, f, outcome);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_RESOURCES, groups.length) }, worker));
  return report;
}

async function attempt(deps: EngineDeps, f: ClaimedFulfilment): Promise<DeliveryOutcome> {
  const connector = deps.connectors[f.kind];
  const target: ProvisioningTarget = {
    resource: {
      id: f.resource_id,
      kind: f.kind,
      externalId: f.external_id,
      name: f.resource_name,
      webhookUrl: f.webhook_url,
      webhookSecret: f.webhook_secret,
    },
    role: f.role,
    userId: f.user_id,
    assignmentId: Number(f.assignment_id),
    packageId: Number(f.package_id),
    packageName: f.package_name,
    deliveryId: `fulfilment-${f.id}`,
  };
  try {
    return await deps.database.withLock(`resource:${f.resource_id}`, async (db) => {
      if (f.action === 'grant') {
        if (!(await assignmentIsActive(db, Number(f.assignment_id)))) {
          return { state: 'canceled', note: 'the assignment ended before its grant was delivered' } as const;
        }
        await connector.grant(target);
        return { state: 'delivered' } as const;
      }
      const keptBy = await otherGrantingPackage(db, f);
      if (keptBy) return { state: 'skipped', note: `kept: still granted by ${keptBy}` } as const;
      await connector.revoke(target);
      return { state: 'delivered' } as const;
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const retryable = !(error instanceof ConnectorError) || error.retryable;
    deps.log.warn(
      { fulfilmentId: f.id, action: f.action, resource: f.external_id, err: message },
      'delivery failed',
    );
    if (!retryable || f.attempts >= MAX_DELIVERY_ATTEMPTS) return { state: 'abandoned', error: message };
    return { state: 'failed', error: message };
  }
}

async function assignmentIsActive(db: Db, assignmentId: number): Promise<boolean> {
  const rows = await queryRows<{ state: AssignmentState }>(
    db,
    sql`select state from assignments where id = ${assignmentId}`,
  );
  const state = rows[0]?.state;
  return state !== undefined && isActiveAssignment(state);
}

/** Invariant 4: the name of another package whose active assignment gives this user the same role. */
async function otherGrantingPackage(db: Db, f: ClaimedFulfilment): Promise<string | null> {
  const rows = await queryRows<{ name: string }>(
    db,
    sql`select p.name from assignments a
          join package_resource_roles prr on prr.package_id = a.package_id
          join access_packages p on p.id = a.package_id
         where a.user_id = ${f.user_id} and a.id <> ${f.assignment_id}
           and a.state in ${ACTIVE_ASSIGNMENTS}
           and prr.resource_id = ${f.resource_id} and prr.role = ${f.role}
         limit 1`,
  );
  return rows[0]?.name ?? null;
}

/**
 * Records an attempt in its own short transaction: the fulfilment's outcome, then what its
 * assignment (and request) now stand at.
 */
async function record(deps: EngineDeps, f: ClaimedFulfilment, outcome: DeliveryOutcome): Promise<void> {
  await inTransaction(deps, async (tx, now) => {
    // Grants of one assignment on different resources are recorded side by side: without this
    // lock each would count the other as still pending and the assignment would stay delivering.
    if (f.action === 'grant') {
      await tx.execute(sql`select id from assignments where id = ${f.assignment_id} for update`);
    }
    const recorded = await recordAttempt(tx, now, f, outcome, deps.adminUserIds);
    if (recorded && f.action === 'grant') await settleAssignment(tx, now, Number(f.assignment_id), outcome);
  });
}

function emptyReport(): DeliveryReport {
  return { claimed: 0, delivered: 0, failed: 0, abandoned: 0, skipped: 0, canceled: 0 };
}
