import { sql } from 'drizzle-orm';
import { type Database, queryRows } from '../../src/db/client.js';
import { policySettingsSchema } from '../../src/domain/policy.js';
import { createPackage } from '../../src/services/catalog/packages.js';
import type { EngineDeps } from '../../src/services/context.js';
import { submitRequest } from '../../src/services/requests/requests.js';
import { BENCH_ADMIN, benchEngine } from './engine.js';
import { note } from './output.js';
import { BenchStores, openLocation, type StoreKind } from './stores.js';

/**
 * Request to delivery: auto-approved requests submitted through the engine (submitRequest, the
 * grant delivered through a recording connector before it returns) against a raw loop of
 * two-INSERT transactions (a request and an assignment) on the same database in the same run.
 */

export interface DeliveryRow {
  kind: StoreKind;
  concurrency: number;
  engine: { done: number; seconds: number; perSecond: number };
  raw: { done: number; seconds: number; perSecond: number };
  /** Per delivered request, counted in a separate untimed pass. */
  cost: { statements: number; transactions: number; locks: number };
  /** What the timed engine run left behind, read back. */
  check: { problems: string | null; auditPerRequest: number; dmsPerRequest: number };
}

const USERS = 20_000;

export async function benchDelivery(options: {
  kind: StoreKind;
  concurrency: number;
  seconds: number;
}): Promise<DeliveryRow> {
  const stores = new BenchStores(options.kind);
  try {
    const location = await stores.fresh();
    const database = await openLocation(location, Math.max(4, options.concurrency * 2 + 2));
    try {
      const { deps, connector } = benchEngine(database);
      const packageId = await setUp(deps);
      note(`${options.kind}: request to delivery, concurrency ${options.concurrency}`);
      let next = 1;
      const user = () => `U0BD${next++}`;
      // Warm-up, untimed: JIT, caches, and the statement count of one request.
      for (let i = 0; i < 20; i++) await submitRequest(deps, { userId: user() }, { packageId });
      const cost = await countCost(database, () =>
        submitRequest(deps, { userId: user() }, { packageId }).then(() => {}),
      );
      const firstTimed = next;
      const callsBefore = connector.calls.length;
      const engine = await timed(options.seconds, options.concurrency, async () => {
        const result = await submitRequest(deps, { userId: user() }, { packageId });
        if (result.state !== 'delivered')
          throw new Error(`${result.request} is ${result.state}, not delivered`);
      });
      const check = await checkDelivered(database, firstTimed, next, connector.calls.length - callsBefore);

      let rawNext = 1;
      const policyId = await policyOf(database, packageId);
      const raw = await timed(options.seconds, options.concurrency, async () => {
        const userId = `U0BR${rawNext++}`;
        await database.db.transaction(async (tx) => {
          const [request] = await queryRows<{ id: number }>(
            tx,
            sql`insert into requests (package_id, policy_id, type, state, user_id, requested_by)
                values (${packageId}, ${policyId}, 'user_add', 'delivered', ${userId}, ${userId}) returning id`,
          );
          await tx.execute(sql`insert into assignments (user_id, package_id, policy_id, request_id, state, starts_at)
                values (${userId}, ${packageId}, ${policyId}, ${request!.id}, 'delivered', now())`);
        });
      });
      return { kind: options.kind, concurrency: options.concurrency, engine, raw, cost, check };
    } finally {
      await database.close();
    }
  } finally {
    await stores.drop();
  }
}

async function setUp(deps: EngineDeps): Promise<number> {
  const created = await createPackage(deps, BENCH_ADMIN, {
    name: 'Delivery bench',
    resourceRoles: [
      { resource: { kind: 'slack_usergroup', externalId: 'S0BENCHDELIVERY', name: 'Delivery bench group' } },
    ],
    policy: policySettingsSchema.parse({
      requestorScope: 'all_members',
      justificationRequired: false,
      expiry: { kind: 'days', days: 30 },
    }),
  });
  await deps.database.db.execute(sql`insert into users (id, name)
    select 'U0BD' || g, 'Delivery user ' || g from generate_series(1, ${USERS}::int) g`);
  return created.package.id;
}

async function policyOf(database: Database, packageId: number): Promise<number> {
  const [row] = await queryRows<{ id: number }>(
    database.db,
    sql`select id from policies where package_id = ${packageId} limit 1`,
  );
  return Number(row!.id);
}

/** Runs `one` from `concurrency` workers until `seconds` have passed. */
async function timed(
  seconds: number,
  concurrency: number,
  one: () => Promise<void>,
): Promise<{ done: number; seconds: number; perSecond: number }> {
  let done = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  const worker = async () => {
    while (performance.now() < until) {
      await one();
      done += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  return { done, seconds: elapsed, perSecond: done / elapsed };
}

/**
 * Statements (through drizzle's logger), transactions and resource locks of one call, measured
 * outside the timed runs by hooking the handles for the duration of the call.
 */
async function countCost(
  database: Database,
  call: () => Promise<void>,
): Promise<{ statements: number; transactions: number; locks: number }> {
  const session = (database.db as unknown as { session: { logger: unknown; options: { logger?: unknown } } })
    .session;
  const db = database.db as unknown as { transaction: (...args: unknown[]) => Promise<unknown> };
  const before = {
    logger: session.logger,
    optionsLogger: session.options.logger,
    transaction: db.transaction,
    withLock: database.withLock,
  };
  const cost = { statements: 0, transactions: 0, locks: 0 };
  const counter = {
    logQuery: () => {
      cost.statements += 1;
    },
  };
  session.logger = counter;
  session.options.logger = counter;
  db.transaction = (...args: unknown[]) => {
    cost.transactions += 1;
    return before.transaction.apply(database.db, args);
  };
  const mutable = database as { withLock: Database['withLock'] };
  mutable.withLock = <T>(key: string, fn: Parameters<Database['withLock']>[1]) => {
    cost.locks += 1;
    return before.withLock.call(database, key, fn) as Promise<T>;
  };
  try {
    await call();
  } finally {
    session.logger = before.logger;
    session.options.logger = before.optionsLogger;
    db.transaction = before.transaction;
    mutable.withLock = before.withLock;
  }
  return cost;
}

/** The timed requests are delivered, each with its assignment, grant, audit rows and DMs. */
async function checkDelivered(
  database: Database,
  from: number,
  to: number,
  connectorCalls: number,
): Promise<{ problems: string | null; auditPerRequest: number; dmsPerRequest: number }> {
  const n = to - from;
  const timedUser = (column: string) =>
    sql.raw(
      `${column} like 'U0BD%' and substr(${column}, 5)::int >= ${from} and substr(${column}, 5)::int < ${to}`,
    );
  const [row] = await queryRows<Record<string, number>>(
    database.db,
    sql`select
      (select count(*) from requests where state = 'delivered' and ${timedUser('user_id')})::int as requests,
      (select count(*) from assignments where state = 'delivered' and ${timedUser('user_id')})::int as assignments,
      (select count(*) from fulfilments where state = 'delivered' and action = 'grant' and ${timedUser('user_id')})::int as grants,
      (select count(*) from outbox where ${timedUser('recipient')})::int as outbox,
      (select count(*) from audit_log where ${timedUser('subject_user_id')})::int as audit`,
  );
  const r = row as { requests: number; assignments: number; grants: number; outbox: number; audit: number };
  const problems: string[] = [];
  if (r.requests !== n) problems.push(`${r.requests}/${n} requests delivered`);
  if (r.assignments !== n) problems.push(`${r.assignments}/${n} assignments delivered`);
  if (r.grants !== n) problems.push(`${r.grants}/${n} grants delivered`);
  if (connectorCalls !== n) problems.push(`${connectorCalls}/${n} connector calls`);
  // request_submitted and access_delivered for each.
  if (r.outbox !== 2 * n) problems.push(`${r.outbox} DMs queued for ${n} requests`);
  return {
    problems: problems.length ? problems.join(', ') : null,
    auditPerRequest: r.audit / n,
    dmsPerRequest: r.outbox / n,
  };
}
