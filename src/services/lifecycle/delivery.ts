import { type SQL, sql } from 'drizzle-orm';
import { ConnectorError, type ProvisioningTarget } from '../../connectors/port.js';
import { type Db, queryRows } from '../../db/client.js';
import { MAX_DELIVERY_ATTEMPTS, nextAttemptDelayMs } from '../../domain/backoff.js';
import { settleDelivery } from '../../domain/delivery.js';
import { GatehouseError } from '../../domain/errors.js';
import { type AssignmentState, assertRequestTransition, type RequestState } from '../../domain/states.js';
import { audit } from '../audit.js';
import { requirePermission } from '../authz.js';
import { type Actor, type EngineDeps, SYSTEM } from '../context.js';
import { notify } from '../notify.js';
import { inTransaction } from '../tx.js';
import { sqlIntArray } from './lifecycle.js';

/**
 * Delivery runs the connectors for queued fulfilments, outside any transaction, and records each
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

interface ClaimedFulfilment {
  id: number;
  assignment_id: number;
  resource_id: number;
  role: string;
  user_id: string;
  action: 'grant' | 'revoke';
  attempts: number;
  kind: ProvisioningTarget['resource']['kind'];
  external_id: string;
  resource_name: string;
  webhook_url: string | null;
  webhook_secret: string | null;
  package_id: number;
  package_name: string;
}

type Outcome =
  | { state: 'delivered' }
  | { state: 'skipped' | 'canceled'; note: string }
  | { state: 'failed' | 'abandoned'; error: string };

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
        select id from fulfilments where state in ('pending','failed') and ${condition}
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

async function attempt(deps: EngineDeps, f: ClaimedFulfilment): Promise<Outcome> {
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
  return state === 'delivering' || state === 'delivered' || state === 'delivery_failed';
}

/** Invariant 4: the name of another package whose active assignment gives this user the same role. */
async function otherGrantingPackage(db: Db, f: ClaimedFulfilment): Promise<string | null> {
  const rows = await queryRows<{ name: string }>(
    db,
    sql`select p.name from assignments a
          join package_resource_roles prr on prr.package_id = a.package_id
          join access_packages p on p.id = a.package_id
         where a.user_id = ${f.user_id} and a.id <> ${f.assignment_id}
           and a.state in ('delivering','delivered','delivery_failed')
           and prr.resource_id = ${f.resource_id} and prr.role = ${f.role}
         limit 1`,
  );
  return rows[0]?.name ?? null;
}

async function record(deps: EngineDeps, f: ClaimedFulfilment, outcome: Outcome): Promise<void> {
  await inTransaction(deps, async (tx, now) => {
    // Grants of one assignment on different resources are recorded side by side: without this
    // lock each would count the other as still pending and the assignment would stay delivering.
    if (f.action === 'grant') {
      await tx.execute(sql`select id from assignments where id = ${f.assignment_id} for update`);
    }
    const error = 'error' in outcome ? outcome.error : 'note' in outcome ? outcome.note : null;
    const nextAttemptAt =
      outcome.state === 'failed' ? new Date(now.getTime() + nextAttemptDelayMs(f.attempts)) : now;
    const done = outcome.state === 'failed' ? null : now;
    const updated = await queryRows<{ id: number }>(
      tx,
      sql`update fulfilments set state = ${outcome.state}, last_error = ${error}, next_attempt_at = ${nextAttemptAt},
                 done_at = ${done}, claimed_until = null
           where id = ${f.id} and state in ('pending','failed')
          returning id`,
    );
    // Canceled meanwhile (the assignment ended): the revoke queued then undoes whatever this did.
    if (updated.length === 0) return;
    if (f.action === 'revoke') {
      await auditRevoke(tx, now, f, outcome);
      return;
    }
    await settleAssignment(tx, now, Number(f.assignment_id), outcome);
    if (outcome.state === 'abandoned') await tellAdminsOfAbandon(deps, tx, now, f, outcome.error);
  });
}

async function auditRevoke(tx: Db, now: Date, f: ClaimedFulfilment, outcome: Outcome): Promise<void> {
  if (outcome.state === 'failed') return;
  const action =
    outcome.state === 'delivered'
      ? 'assignment.access_revoked'
      : outcome.state === 'skipped'
        ? 'assignment.revoke_kept'
        : 'assignment.revoke_failed';
  await audit(tx, now, SYSTEM, {
    action,
    assignmentId: Number(f.assignment_id),
    packageId: Number(f.package_id),
    resourceId: f.resource_id,
    subjectUserId: f.user_id,
    data: { role: f.role, resource: f.resource_name, ...('note' in outcome ? { note: outcome.note } : {}) },
  });
}

/** Moves the assignment and its request to what their grants now say, with audit rows and DMs. */
export async function settleAssignment(
  tx: Db,
  now: Date,
  assignmentId: number,
  outcome: Outcome = { state: 'delivered' },
): Promise<void> {
  const [row] = await queryRows<{
    state: AssignmentState;
    user_id: string;
    package_id: number;
    package_name: string;
    ends_at: Date | null;
    request_id: number | null;
    request_state: RequestState | null;
    total: number;
    done: number;
    pending: number;
    failed: number;
    abandoned: number;
  }>(
    tx,
    sql`select a.state, a.user_id, a.package_id, p.name as package_name, a.ends_at, a.request_id, r.state as request_state,
               count(f.id)::int as total,
               (count(f.id) filter (where f.state in ('delivered','skipped')))::int as done,
               (count(f.id) filter (where f.state = 'pending'))::int as pending,
               (count(f.id) filter (where f.state = 'failed'))::int as failed,
               (count(f.id) filter (where f.state = 'abandoned'))::int as abandoned
          from assignments a
          join access_packages p on p.id = a.package_id
          left join requests r on r.id = a.request_id
          left join fulfilments f on f.assignment_id = a.id and f.action = 'grant' and f.state <> 'canceled'
         where a.id = ${assignmentId}
         group by a.id, p.name, r.state`,
  );
  if (!row || !['delivering', 'delivered', 'delivery_failed'].includes(row.state)) return;
  const settled = settleDelivery(row.state, row);
  const base = { packageId: Number(row.package_id), assignmentId, subjectUserId: row.user_id };
  const requestId = row.request_id === null ? null : Number(row.request_id);

  if (settled.assignment !== row.state) {
    await tx.execute(
      sql`update assignments set state = ${settled.assignment}, updated_at = ${now} where id = ${assignmentId}`,
    );
    await audit(tx, now, SYSTEM, {
      ...base,
      requestId,
      action: `assignment.${settled.assignment}`,
      data: { from: row.state, ...('error' in outcome ? { error: outcome.error } : {}) },
    });
  }
  const requestMoves =
    requestId !== null &&
    settled.request !== null &&
    row.request_state !== null &&
    settled.request !== row.request_state &&
    ['delivering', 'partially_delivered', 'delivery_failed'].includes(row.request_state);
  if (requestMoves) {
    assertRequestTransition(row.request_state!, settled.request!);
    await tx.execute(
      sql`update requests set state = ${settled.request}, updated_at = ${now},
                 closed_at = ${settled.request === 'delivered' ? now : null}
           where id = ${requestId}`,
    );
    await audit(tx, now, SYSTEM, {
      ...base,
      requestId,
      action: `request.${settled.request}`,
      data: { from: row.request_state },
    });
  }

  const data = {
    assignmentId,
    packageId: Number(row.package_id),
    packageName: row.package_name,
    requestId,
    endsAt: row.ends_at ? new Date(row.ends_at).toISOString() : null,
  };
  if (settled.assignment === 'delivered' && row.state !== 'delivered') {
    await notify(tx, now, {
      kind: 'access_delivered',
      recipient: row.user_id,
      idempotencyKey: `access_delivered:${assignmentId}`,
      data,
    });
  } else if (settled.request === 'delivery_failed' || settled.request === 'partially_delivered') {
    await notify(tx, now, {
      kind: 'delivery_failed',
      recipient: row.user_id,
      idempotencyKey: `delivery_failed:${assignmentId}`,
      data: {
        ...data,
        partial: settled.request === 'partially_delivered',
        error: 'error' in outcome ? outcome.error : null,
      },
    });
  }
}

/** After the last try, the admins are told what failed and that they can retry. */
async function tellAdminsOfAbandon(deps: EngineDeps, tx: Db, now: Date, f: ClaimedFulfilment, error: string) {
  await notify(
    tx,
    now,
    ...deps.adminUserIds.map((admin) => ({
      kind: 'delivery_failed' as const,
      recipient: admin,
      idempotencyKey: `delivery_abandoned:${f.id}:${admin}`,
      data: {
        forAdmin: true,
        fulfilmentId: f.id,
        assignmentId: Number(f.assignment_id),
        packageId: Number(f.package_id),
        packageName: f.package_name,
        userId: f.user_id,
        resource: f.resource_name,
        role: f.role,
        error,
      },
    })),
  );
}

/**
 * An admin's Retry: given-up fulfilments of an assignment are tried again from the start. Needs
 * `assignment.manage` in the package's catalog; audited.
 */
export async function retryAbandoned(
  deps: EngineDeps,
  actor: Actor,
  input: { assignmentId: number },
): Promise<number[]> {
  return inTransaction(deps, async (tx, now) => {
    const [assignment] = await queryRows<{ package_id: number; catalog_id: number; user_id: string }>(
      tx,
      sql`select a.package_id, p.catalog_id, a.user_id from assignments a join access_packages p on p.id = a.package_id
           where a.id = ${input.assignmentId}`,
    );
    if (!assignment) {
      throw new GatehouseError('assignment.not_found', 'That assignment no longer exists.', input);
    }
    await requirePermission(tx, deps, actor, Number(assignment.catalog_id), 'assignment.manage');
    const rows = await queryRows<{ id: number }>(
      tx,
      sql`update fulfilments set state = 'pending', attempts = 0, next_attempt_at = ${now}, last_error = null, claimed_until = null
           where assignment_id = ${input.assignmentId} and state = 'abandoned'
          returning id`,
    );
    if (rows.length > 0) {
      await audit(tx, now, actor, {
        action: 'assignment.delivery_retried',
        packageId: Number(assignment.package_id),
        assignmentId: input.assignmentId,
        subjectUserId: assignment.user_id,
        data: { fulfilments: rows.length },
      });
    }
    return rows.map((r) => Number(r.id));
  });
}

function emptyReport(): DeliveryReport {
  return { claimed: 0, delivered: 0, failed: 0, abandoned: 0, skipped: 0, canceled: 0 };
}
