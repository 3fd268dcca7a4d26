import { type SQL, sql } from 'drizzle-orm';
import {
  type ChangeOutcome,
  type Connector,
  ConnectorError,
  type MembershipChange,
  type ProvisioningTarget,
} from '../../connectors/port.js';
import { type Db, queryRows } from '../../db/client.js';
import { MAX_DELIVERY_ATTEMPTS } from '../../domain/backoff.js';
import { type AssignmentState, isActiveAssignment } from '../../domain/states.js';
import type { EngineDeps } from '../context.js';
import { ACTIVE_ASSIGNMENTS, DUE_FULFILMENTS, sqlIntArray, sqlStateList } from '../sql-lists.js';
import { inTransaction } from '../tx.js';
import { settleAssignment } from './assignment-writer.js';
import {
  type AttemptedFulfilment,
  type DeliveryOutcome,
  deferAttempts,
  recordAttempt,
  recordAttempts,
} from './fulfilment-writer.js';

/**
 * The delivery runner: it runs the connectors for queued fulfilments, outside any transaction, and records each
 * outcome. A fulfilment is claimed first (attempts + 1, a lease in claimed_until) in a short
 * transaction, so another replica never calls the same connector for it while the lease holds;
 * a runner that dies mid-call leaves a lease that runs out, and the work is picked up again.
 * Every call happens under the resource's lock (invariant 3), where a grant re-checks that its
 * assignment is still active and a revoke that no other active assignment grants the same role
 * (invariant 4).
 *
 * Connectors with `applyBatch` (user groups, channels) are delivered per resource instead: whoever
 * holds a resource's lock claims every due fulfilment of that resource (not only the ones it was
 * given), checks the invariants for all of them, applies them in one batch (one
 * usergroups.users.list + one usergroups.users.update; one conversations.invite), records every
 * outcome, and goes again while more arrived meanwhile. So 300 people asking at once cost a few
 * calls, and later callers find their fulfilment already done. The claim is taken under the lock;
 * a lease left by a creator that has not got the lock yet (attempts = 0: nothing was ever called)
 * is taken over. A 429 is no failed try: the batch goes back in the queue at Retry-After with its
 * attempts as they were.
 */

export const DELIVERY_LEASE_MS = 5 * 60_000;
/** Resources delivered side by side; each holds a pooled connection for its lock. */
const PARALLEL_RESOURCES = 4;
/** At most this many fulfilments in one batch (conversations.invite takes 1,000 users). */
export const BATCH_MAX = 1_000;
/** Batches one lock holder runs before it lets the next caller in. */
const MAX_ROUNDS = 20;

export interface DeliveryReport {
  claimed: number;
  delivered: number;
  failed: number;
  abandoned: number;
  skipped: number;
  canceled: number;
  /** Rate limited (429): back in the queue at Retry-After, not counted as a try. */
  deferred: number;
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
  const targets = await queryRows<{ id: number; resource_id: number; kind: Kind }>(
    deps.database.db,
    sql`select f.id, f.resource_id, r.kind from fulfilments f join resources r on r.id = f.resource_id
         where f.id = any(${sqlIntArray(fulfilmentIds)}) and f.state in ${DUE_FULFILMENTS}`,
  );
  const single = targets.filter((t) => !batches(deps, t.kind)).map((t) => Number(t.id));
  const report = emptyReport();
  if (single.length > 0) {
    const leaseFree = options.preclaimed
      ? sql`true`
      : sql`(claimed_until is null or claimed_until < ${deps.clock.now()})`;
    const claimed = await claim(
      deps,
      () => sql`id = any(${sqlIntArray(single)}) and ${leaseFree}`,
      single.length,
    );
    addReport(report, await runClaimed(deps, claimed));
  }
  const resources = [
    ...new Set(targets.filter((t) => batches(deps, t.kind)).map((t) => Number(t.resource_id))),
  ];
  addReport(report, await deliverResources(deps, resources, fulfilmentIds));
  return report;
}

/** Delivers what is due: pending fulfilments and failed ones whose backoff has passed. */
export async function deliverDue(
  deps: EngineDeps,
  options: { limit?: number } = {},
): Promise<DeliveryReport> {
  const now = deps.clock.now();
  const limit = options.limit ?? 200;
  const batchKinds = batchingKinds(deps);
  const notBatched = batchKinds
    ? sql`and resource_id not in (select id from resources where kind in ${batchKinds})`
    : sql``;
  const claimed = await claim(
    deps,
    () => sql`next_attempt_at <= ${now} and (claimed_until is null or claimed_until < ${now}) ${notBatched}`,
    limit,
  );
  const report = await runClaimed(deps, claimed);
  if (batchKinds) {
    const due = await queryRows<{ resource_id: number }>(
      deps.database.db,
      sql`select distinct f.resource_id from fulfilments f join resources r on r.id = f.resource_id
           where r.kind in ${batchKinds} and f.state in ${DUE_FULFILMENTS} and f.next_attempt_at <= ${now}
             and (f.claimed_until is null or f.claimed_until < ${now} or f.attempts = 0)
           limit ${limit}`,
    );
    addReport(
      report,
      await deliverResources(
        deps,
        due.map((r) => Number(r.resource_id)),
        [],
      ),
    );
  }
  return report;
}

type Kind = ProvisioningTarget['resource']['kind'];

function batches(deps: EngineDeps, kind: Kind): boolean {
  return typeof deps.connectors[kind]?.applyBatch === 'function';
}

/** `('slack_usergroup','slack_channel')`: the kinds whose connector batches; null when none does. */
function batchingKinds(deps: EngineDeps): ReturnType<typeof sqlStateList> | null {
  const kinds = (Object.keys(deps.connectors) as Kind[]).filter((kind) => batches(deps, kind));
  return kinds.length > 0 ? sqlStateList(kinds) : null;
}

async function claim(
  deps: EngineDeps,
  condition: (now: Date) => SQL,
  limit: number,
): Promise<ClaimedFulfilment[]> {
  return inTransaction(deps, (tx, now) =>
    queryRows<ClaimedFulfilment>(
      tx,
      sql`with picked as (
        select id from fulfilments where state in ${DUE_FULFILMENTS} and ${condition(now)}
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

/** Resources side by side (PARALLEL_RESOURCES at a time), each one batch after another under its lock. */
async function deliverResources(
  deps: EngineDeps,
  resourceIds: readonly number[],
  requested: readonly number[],
): Promise<DeliveryReport> {
  const report = emptyReport();
  const queue = [...resourceIds];
  const worker = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      addReport(report, await deliverResource(deps, id, requested));
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_RESOURCES, queue.length) }, worker));
  return report;
}

/**
 * Under the resource's lock: wait until Slack's limits let a batch go (what arrives meanwhile
 * joins it), claim every due fulfilment of the resource (and the `requested` ones, due or in
 * backoff), apply them as one batch, record; again while there is more.
 */
async function deliverResource(
  deps: EngineDeps,
  resourceId: number,
  requested: readonly number[],
): Promise<DeliveryReport> {
  const report = emptyReport();
  await deps.database.withLock(`resource:${resourceId}`, async (db) => {
    const [resource] = await queryRows<{
      kind: Kind;
      external_id: string;
      name: string;
      webhook_url: string | null;
      webhook_secret: string | null;
    }>(
      db,
      sql`select kind, external_id, name, webhook_url, webhook_secret from resources where id = ${resourceId}`,
    );
    if (!resource) return;
    const connector = deps.connectors[resource.kind];
    const target: ProvisioningTarget['resource'] = {
      id: resourceId,
      kind: resource.kind,
      externalId: resource.external_id,
      name: resource.name,
      webhookUrl: resource.webhook_url,
      webhookSecret: resource.webhook_secret,
    };
    for (let round = 0; round < MAX_ROUNDS; round++) {
      // The requested ones are claimed in the first round only: one deferred there waits its turn.
      const mine = round === 0 && requested.length > 0 ? sql`or id = any(${sqlIntArray(requested)})` : sql``;
      await connector.whenReady?.(target);
      const claimed = await claim(
        deps,
        (now) => sql`resource_id = ${resourceId} and (next_attempt_at <= ${now} ${mine})
                 and (claimed_until is null or claimed_until < ${now} or attempts = 0)`,
        BATCH_MAX,
      );
      if (claimed.length === 0) return;
      report.claimed += claimed.length;
      addReport(report, await applyBatch(deps, db, connector, target, claimed));
    }
  });
  return report;
}

/** One batch: the invariants checked for all, one connector batch, every outcome recorded. */
async function applyBatch(
  deps: EngineDeps,
  db: Db,
  connector: Connector,
  resource: ProvisioningTarget['resource'],
  claimed: ClaimedFulfilment[],
): Promise<DeliveryReport> {
  const outcomes = new Map<ClaimedFulfilment, DeliveryOutcome>();
  const grants = claimed.filter((f) => f.action === 'grant');
  const revokes = claimed.filter((f) => f.action === 'revoke');
  const active = await activeAssignments(
    db,
    grants.map((f) => Number(f.assignment_id)),
  );
  const keptBy = await otherGrantingPackages(db, revokes);
  const toApply: ClaimedFulfilment[] = [];
  for (const f of claimed) {
    if (f.action === 'grant' && !active.has(Number(f.assignment_id))) {
      outcomes.set(f, { state: 'canceled', note: 'the assignment ended before its grant was delivered' });
    } else if (f.action === 'revoke' && keptBy.has(Number(f.id))) {
      outcomes.set(f, { state: 'skipped', note: `kept: still granted by ${keptBy.get(Number(f.id))}` });
    } else {
      toApply.push(f);
    }
  }
  let deferred: { ids: number[]; retryAfterMs: number; error: string } | null = null;
  if (toApply.length > 0) {
    const changes: MembershipChange[] = toApply.map((f) => ({ action: f.action, target: targetOf(f) }));
    try {
      const results = await applyIsolating(connector, resource, changes);
      toApply.forEach((f, i) => {
        const result = results[i] ?? { ok: true };
        outcomes.set(f, result.ok ? { state: 'delivered' } : failure(deps, f, result.error));
      });
    } catch (error) {
      if (error instanceof ConnectorError && error.retryAfterMs !== undefined) {
        deferred = {
          ids: toApply.map((f) => Number(f.id)),
          retryAfterMs: error.retryAfterMs,
          error: error.message,
        };
        deps.log.info(
          { resource: resource.externalId, fulfilments: toApply.length, retryAfterMs: error.retryAfterMs },
          'delivery rate limited; re-queued at Retry-After',
        );
      } else {
        deps.log.warn(
          {
            resource: resource.externalId,
            fulfilments: toApply.length,
            err: error instanceof Error ? error.message : String(error),
          },
          'delivery batch failed',
        );
        for (const f of toApply) outcomes.set(f, failure(deps, f, error, false));
      }
    }
  }
  const report = emptyReport();
  for (const outcome of outcomes.values()) report[outcome.state] += 1;
  if (deferred) {
    const { ids, retryAfterMs, error } = deferred;
    report.deferred += ids.length;
    await inTransaction(deps, (tx, now) => deferAttempts(tx, now, ids, retryAfterMs, error));
  }
  await recordMany(deps, [...outcomes]);
  return report;
}

/**
 * The connector's batch, and when Slack refuses the whole of it for good without saying which
 * user (real Slack's `invalid_users` may not), the two halves on their own, and so on down: one
 * deactivated account fails alone instead of taking a thousand grants with it, for about
 * 2·log2(n) extra calls. A batch refused for now (5xx, 429) is not split: it is retried whole.
 */
async function applyIsolating(
  connector: Connector,
  resource: ProvisioningTarget['resource'],
  changes: readonly MembershipChange[],
): Promise<ChangeOutcome[]> {
  try {
    return await connector.applyBatch!(resource, changes);
  } catch (error) {
    const final = error instanceof ConnectorError && !error.retryable && error.retryAfterMs === undefined;
    if (!final) throw error;
    if (changes.length === 1) return [{ ok: false, error }];
    const half = Math.ceil(changes.length / 2);
    return [
      ...(await applyIsolating(connector, resource, changes.slice(0, half))),
      ...(await applyIsolating(connector, resource, changes.slice(half))),
    ];
  }
}

function targetOf(f: ClaimedFulfilment): ProvisioningTarget {
  return {
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
}

/** A failed try: given up when it cannot succeed or was the last, else tried again after backoff. */
function failure(deps: EngineDeps, f: ClaimedFulfilment, error: unknown, log = true): DeliveryOutcome {
  const message = error instanceof Error ? error.message : String(error);
  const retryable = !(error instanceof ConnectorError) || error.retryable;
  if (log) {
    deps.log.warn(
      { fulfilmentId: f.id, action: f.action, resource: f.external_id, err: message },
      'delivery failed',
    );
  }
  if (!retryable || f.attempts >= MAX_DELIVERY_ATTEMPTS) return { state: 'abandoned', error: message };
  return { state: 'failed', error: message };
}

/** The ones still active (invariant 3: a grant is given only for an active assignment). */
async function activeAssignments(db: Db, assignmentIds: readonly number[]): Promise<Set<number>> {
  if (assignmentIds.length === 0) return new Set();
  const rows = await queryRows<{ id: number }>(
    db,
    sql`select id from assignments where id = any(${sqlIntArray(assignmentIds)}) and state in ${ACTIVE_ASSIGNMENTS}`,
  );
  return new Set(rows.map((r) => Number(r.id)));
}

/** Invariant 4 for a batch: revoke fulfilment id → the package whose active assignment still grants its role. */
async function otherGrantingPackages(
  db: Db,
  revokes: readonly ClaimedFulfilment[],
): Promise<Map<number, string>> {
  if (revokes.length === 0) return new Map();
  const rows = await queryRows<{ id: number; name: string | null }>(
    db,
    sql`select f.id,
               (select p.name from assignments a
                  join package_resource_roles prr on prr.package_id = a.package_id
                  join access_packages p on p.id = a.package_id
                 where a.user_id = f.user_id and a.id <> f.assignment_id
                   and a.state in ${ACTIVE_ASSIGNMENTS}
                   and prr.resource_id = f.resource_id and prr.role = f.role
                 limit 1) as name
          from fulfilments f where f.id = any(${sqlIntArray(revokes.map((f) => Number(f.id)))})`,
  );
  return new Map(rows.filter((r) => r.name !== null).map((r) => [Number(r.id), r.name!]));
}

/** Outcomes recorded RECORD_CHUNK at a time, each chunk in one short transaction. */
const RECORD_CHUNK = 100;

async function recordMany(
  deps: EngineDeps,
  items: Array<[ClaimedFulfilment, DeliveryOutcome]>,
): Promise<void> {
  // In assignment order, so two recorders lock shared assignments in the same order.
  const sorted = [...items].sort((a, b) => Number(a[0].assignment_id) - Number(b[0].assignment_id));
  for (let i = 0; i < sorted.length; i += RECORD_CHUNK) {
    const chunk = sorted.slice(i, i + RECORD_CHUNK);
    await inTransaction(deps, async (tx, now) => {
      const grantAssignments = [
        ...new Set(chunk.filter(([f]) => f.action === 'grant').map(([f]) => Number(f.assignment_id))),
      ];
      // As record() below: grants of one assignment on other resources may be recorded side by side.
      if (grantAssignments.length > 0) {
        await tx.execute(
          sql`select id from assignments where id = any(${sqlIntArray(grantAssignments)}) order by id for update`,
        );
      }
      const recorded = await recordAttempts(
        tx,
        now,
        chunk.map(([f, outcome]) => ({ fulfilment: f, outcome })),
        deps.adminUserIds,
      );
      for (const [index, [f, outcome]] of chunk.entries()) {
        if (recorded[index] && f.action === 'grant')
          await settleAssignment(tx, now, Number(f.assignment_id), outcome);
      }
    });
  }
}

function addReport(into: DeliveryReport, from: DeliveryReport): void {
  for (const key of Object.keys(into) as Array<keyof DeliveryReport>) into[key] += from[key];
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
  const target = targetOf(f);
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
    return failure(deps, f, error);
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
  return { claimed: 0, delivered: 0, failed: 0, abandoned: 0, skipped: 0, canceled: 0, deferred: 0 };
}
