import { Worker } from 'node:worker_threads';

/**
 * Embedded PGlite on a worker thread of its own. PGlite runs every query (parse, plan, execute,
 * the sync to disk) synchronously on the thread that owns it; on the app's thread each query
 * held up Bolt's acks. Here the worker (`pglite-worker.mjs`) owns the database and this class
 * offers the two PGlite methods drizzle's PGlite driver calls, `query` and `transaction`, as
 * messages to it; rows come back by structured clone.
 *
 * Semantics are PGlite's own, since its mutexes run in the worker: one query at a time; a
 * transaction holds every other query and transaction back until it commits or rolls back (a
 * second transaction waits, never interleaves), which is also why a query on the root handle
 * inside a transaction still waits forever (invariant 8). drizzle passes parsers that keep
 * timestamps, dates and intervals as text; functions cannot cross threads, so their type ids
 * go over and the worker applies identity parsers for them (the only kind drizzle passes).
 *
 * A worker thread rather than `@electric-sql/pglite-socket` and the postgres driver: every
 * pglite-socket release pins an exact older PGlite (0.2.18 wants 0.5.15, we run 0.5.16), and
 * the wire protocol would add a listening socket and postgres-js' parsing on this thread.
 */
export class PgliteThread {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private nextTransaction = 1;
  private stopped: Error | null = null;
  private closing: Promise<void> | null = null;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (message: Reply) => this.settle(message));
    worker.on('error', (error) => this.stop(error));
    worker.on('exit', (code) => this.stop(new Error(`the PGlite worker thread exited (code ${code})`)));
    worker.unref();
  }

  /** Starts a worker on `dataDir` (null: in memory); resolves once PGlite is open there. */
  static start(dataDir: string | null): Promise<PgliteThread> {
    const worker = new Worker(new URL('./pglite-worker.mjs', import.meta.url), {
      workerData: { dataDir },
      // The worker is plain JavaScript: it needs none of the parent's loaders (tsx, vitest).
      execArgv: [],
    });
    return new Promise((resolve, reject) => {
      const fail = (error: Error) => {
        worker.off('message', onReady);
        void worker.terminate();
        reject(error);
      };
      const onExit = (code: number) => fail(new Error(`the PGlite worker thread exited (code ${code})`));
      const onReady = (message: { ready?: boolean; error?: WorkerError }) => {
        worker.off('error', fail);
        worker.off('exit', onExit);
        if (message.ready) resolve(new PgliteThread(worker));
        else fail(toError(message.error));
      };
      worker.once('message', onReady);
      worker.once('error', fail);
      worker.once('exit', onExit);
    });
  }

  query<T>(sql: string, params: unknown[] = [], options: QueryOptions = {}): Promise<Results<T>> {
    return this.call({ op: 'query', sql, params, ...queryFields(options) }) as Promise<Results<T>>;
  }

  /** PGlite's `transaction`: BEGIN, `fn` with a handle for its queries, COMMIT (ROLLBACK if it throws). */
  async transaction<T>(fn: (tx: PgliteThreadTransaction) => Promise<T>): Promise<T> {
    // `fn` starts once BEGIN has run: a transaction waiting behind another runs none of its code.
    const id = this.nextTransaction++;
    await this.call({ op: 'begin', tx: id });
    let closed = false;
    const tx: PgliteThreadTransaction = {
      query: <R>(sql: string, params: unknown[] = [], options: QueryOptions = {}) => {
        if (closed) return Promise.reject(new Error('Transaction is closed'));
        return this.call({ op: 'query', tx: id, sql, params, ...queryFields(options) }) as Promise<
          Results<R>
        >;
      },
      get closed() {
        return closed;
      },
    };
    let result: T;
    try {
      result = await fn(tx);
    } catch (error) {
      closed = true;
      await this.call({ op: 'end', tx: id, commit: false }).catch(() => undefined);
      throw error;
    }
    closed = true;
    await this.call({ op: 'end', tx: id, commit: true });
    return result;
  }

  /** Closes PGlite (an open transaction rolls back) and ends the worker thread. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        if (!this.stopped) await this.call({ op: 'close' });
      } finally {
        this.stop(new Error('the database is closed'));
        await this.worker.terminate();
      }
    })();
    return this.closing;
  }

  private call(request: Request): Promise<unknown> {
    if (this.stopped) return Promise.reject(this.stopped);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      // The worker keeps the process alive only while an answer is awaited, as PGlite on the
      // main thread did (a test or script that forgets close() still ends).
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id });
    });
  }

  private settle(reply: Reply): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker.unref();
    if (reply.ok) pending.resolve(reply.value);
    else pending.reject(toError(reply.error));
  }

  /** The worker is gone (closed, crashed, exited): every awaited answer fails, later calls too. */
  private stop(reason: Error): void {
    this.stopped ??= reason;
    for (const pending of this.pending.values()) pending.reject(this.stopped);
    this.pending.clear();
    this.worker.unref();
  }
}

export interface QueryOptions {
  rowMode?: 'array' | 'object';
  parsers?: Record<number, (value: string, typeId: number) => unknown>;
}

export interface Results<T> {
  rows: T[];
  fields: { name: string; dataTypeID: number }[];
  affectedRows?: number;
}

export interface PgliteThreadTransaction {
  query<T>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>>;
  readonly closed: boolean;
}

type Request =
  | { op: 'query'; sql: string; params: unknown[]; tx?: number; rowMode?: string; textTypes?: number[] }
  | { op: 'begin'; tx: number }
  | { op: 'end'; tx: number; commit: boolean }
  | { op: 'close' };

type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: WorkerError };

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** An error as the worker sends it: message, name, stack and PGlite's fields (code, constraint, …). */
type WorkerError = { message: string; name?: string; stack?: string } & Record<string, unknown>;

function queryFields(options: QueryOptions): { rowMode?: string; textTypes?: number[] } {
  const fields: { rowMode?: string; textTypes?: number[] } = {};
  if (options.rowMode) fields.rowMode = options.rowMode;
  if (options.parsers) fields.textTypes = Object.keys(options.parsers).map(Number);
  return fields;
}

function toError(described: WorkerError | undefined): Error {
  const { message, name, stack, ...fields } = described ?? { message: 'unknown PGlite worker error' };
  const error = Object.assign(new Error(message), fields);
  if (name) error.name = name;
  if (stack) error.stack = stack;
  return error;
}
