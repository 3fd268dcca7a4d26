import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase, queryRows } from '../../src/db/client.js';
import { catalogs } from '../../src/db/schema.js';
import { sqlState, UNIQUE_VIOLATION, violatedConstraint } from '../../src/services/tx.js';
import { createTestDatabase, onPostgres } from '../support/db.js';

/** Resolves once `fn` ran, held open until `release` is called: a transaction kept in flight. */
function gate(): { opened: Promise<void>; open(): void; released: Promise<void>; release(): void } {
  let open!: () => void;
  let release!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { opened, open, released, release };
}

describe.skipIf(onPostgres)('PGlite on its worker thread', () => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('runs a second transaction only after the first has committed, never interleaved', async () => {
    const first = gate();
    const order: string[] = [];
    const one = database.db.transaction(async (tx) => {
      await tx.execute(sql`create temporary table tx_order (n int) on commit drop`);
      first.open();
      await first.released;
      order.push('first commits');
    });
    await first.opened;
    const two = database.db.transaction(async (tx) => {
      order.push('second runs');
      // The first one's temporary table is gone: the second did not share its session state.
      return queryRows<{ n: string }>(
        tx,
        sql`select count(*)::int as n from pg_class where relname = 'tx_order'`,
      );
    });
    // Give the second every chance to run early: many turns of the event loop.
    for (let i = 0; i < 50; i++) await new Promise<void>((resolve) => setImmediate(resolve));
    expect(order).toEqual([]);
    first.release();
    await one;
    expect(await two).toEqual([{ n: 0 }]);
    expect(order).toEqual(['first commits', 'second runs']);
  });

  it('rolls a failed transaction back, and keeps the driver error fields (SQLSTATE, constraint)', async () => {
    const failed = await database.db
      .transaction(async (tx) => {
        await tx.insert(catalogs).values({ name: 'Thread test', createdBy: 'U1' });
        await tx.insert(catalogs).values({ name: 'Thread test', createdBy: 'U1' });
      })
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(sqlState(failed)).toBe(UNIQUE_VIOLATION);
    expect(violatedConstraint(failed)).toBeTypeOf('string');
    const rows = await queryRows(database.db, sql`select 1 from catalogs where name = 'Thread test'`);
    expect(rows).toEqual([]);
  });

  it('leaves the event loop free while a long query runs', async () => {
    let done = false;
    const query = database.db.execute(sql`select count(*) from generate_series(1, 3000000)`).finally(() => {
      done = true;
    });
    let turns = 0;
    while (!done) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      turns++;
    }
    await query;
    // On this thread the query ran in one synchronous stretch; here the loop keeps turning.
    expect(turns).toBeGreaterThan(50);
  });

  it('close() ends the worker: later queries fail instead of hanging, and close() can repeat', async () => {
    const own = await openDatabase({ dataDir: 'memory' });
    await own.db.execute(sql`select 1`);
    await own.close();
    await expect(own.db.execute(sql`select 1`)).rejects.toThrow();
    await own.close();
  });

  it('close() with a transaction open and another waiting rolls both back and does not hang', async () => {
    const own = await openDatabase({ dataDir: 'memory' });
    await own.db.execute(sql`create table kept (n int)`);
    const held = gate();
    const first = own.db.transaction(async (tx) => {
      await tx.execute(sql`insert into kept values (1)`);
      held.open();
      await held.released;
      await tx.execute(sql`insert into kept values (2)`);
    });
    await held.opened;
    const second = own.db.transaction(async (tx) => {
      await tx.execute(sql`insert into kept values (3)`);
    });
    const outcomes = Promise.allSettled([first, second]);
    await own.close();
    held.release();
    expect((await outcomes).map((o) => o.status)).toEqual(['rejected', 'rejected']);
  });
});
