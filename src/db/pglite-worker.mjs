// The PGlite worker thread: it owns the embedded database, so its queries (parsing, planning,
// executing, syncing to disk) run here and not on the app's event loop. Plain JavaScript, so a
// worker starts without a TypeScript loader. The protocol and its reasons: pglite-thread.ts.

import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

const port = parentPort;
if (!port) throw new Error('pglite-worker.mjs runs as a worker thread');

/** Rolls an open transaction back when the main thread says so (or at close). */
const ROLLBACK = Symbol('rollback');
/** Open transactions by id: PGlite's handle, and how to end the callback that holds it open. */
const transactions = new Map();
/** Set by close(): a transaction that starts from then on rolls back at once. */
let closing = false;
/** Parser sets by the type ids they leave as text: drizzle asks for one or two sets, always the same. */
const textParsers = new Map();

/** @type {PGlite | null} */
let pg = null;
try {
  pg = await PGlite.create(workerData.dataDir ?? undefined);
  port.postMessage({ ready: true });
} catch (error) {
  port.postMessage({ ready: false, error: describeError(error) });
}

port.on('message', (message) => {
  handle(message).then(
    (value) => port.postMessage({ id: message.id, ok: true, value }),
    (error) => port.postMessage({ id: message.id, ok: false, error: describeError(error) }),
  );
});

async function handle(message) {
  if (!pg) throw new Error('PGlite did not open');
  switch (message.op) {
    case 'query':
      return query(message);
    case 'begin':
      return begin(message.tx);
    case 'end':
      return end(message.tx, message.commit);
    case 'close':
      return close();
    default:
      throw new Error(`unknown PGlite worker request ${message.op}`);
  }
}

async function query({ tx, sql, params, rowMode, textTypes }) {
  const options = { rowMode, parsers: parsersFor(textTypes) };
  let result;
  if (tx === undefined) {
    result = await pg.query(sql, params, options);
  } else {
    const open = transactions.get(tx);
    if (!open) throw new Error('Transaction is closed');
    await open.ready;
    result = await open.handle.query(sql, params, options);
  }
  return { rows: result.rows, fields: result.fields, affectedRows: result.affectedRows };
}

function parsersFor(textTypes) {
  if (!textTypes || textTypes.length === 0) return undefined;
  const key = textTypes.join(',');
  let parsers = textParsers.get(key);
  if (!parsers) {
    parsers = Object.fromEntries(textTypes.map((type) => [type, (value) => value]));
    textParsers.set(key, parsers);
  }
  return parsers;
}

/**
 * Opens transaction `id` (numbered by the main thread) and keeps PGlite's callback waiting
 * until `end`. PGlite's own mutex then holds every other query and
 * transaction back until this one commits or rolls back, as it did on the main thread, so
 * transactions never interleave.
 */
function begin(id) {
  const open = { handle: null, finish: null, ready: null, done: null };
  let entered = false;
  open.ready = new Promise((resolveReady, rejectReady) => {
    open.done = pg
      .transaction(
        (handle) =>
          new Promise((commit, rollback) => {
            entered = true;
            open.handle = handle;
            open.finish = { commit, rollback };
            if (closing) rollback(ROLLBACK);
            resolveReady();
          }),
      )
      .then(
        () => undefined,
        (error) => {
          if (!entered) {
            rejectReady(error);
            return undefined;
          }
          if (error === ROLLBACK) return undefined;
          throw error;
        },
      )
      .finally(() => transactions.delete(id));
  });
  transactions.set(id, open);
  return open.ready;
}

/** Commits (or rolls back) transaction `id`; answers when PGlite has. */
async function end(id, commit) {
  const open = transactions.get(id);
  if (!open) throw new Error('Transaction is closed');
  await open.ready;
  if (commit) open.finish.commit();
  else open.finish.rollback(ROLLBACK);
  await open.done;
}

/** Rolls back the open transactions (those still queued roll back as they start), then closes. */
async function close() {
  closing = true;
  const open = [...transactions.values()];
  for (const t of open) t.finish?.rollback(ROLLBACK);
  await Promise.allSettled(open.map((t) => t.done));
  await pg.close();
}

/** An error as plain data: PGlite's DatabaseError fields (code, constraint, detail, …) included. */
function describeError(error) {
  if (!(error instanceof Error)) return { message: String(error) };
  const described = { message: error.message, name: error.name, stack: error.stack };
  for (const [key, value] of Object.entries(error)) {
    if (value === undefined || value === null) continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      described[key] = value;
  }
  return described;
}
