import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, queryRows } from '../../src/db/client.js';
import { acquireDataDirLock, DataDirLockedError, LOCK_SOCKET_NAME } from '../../src/db/data-dir-lock.js';

/**
 * The PGlite DATA_DIR lock ends with the process that holds it, however that process ends: a
 * crash never leaves a lock behind that blocks the next start, whatever pid numbers are reused.
 */

const repoRoot = join(import.meta.dirname, '../..');
/** Every child ends by itself after this long, even if the test forgets it. */
const CHILD_LIFETIME_MS = 20_000;

const children = new Set<ChildProcess>();
const dirs: string[] = [];

afterEach(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDataDir(name = 'gatehouse-lock-'): string {
  const dir = mkdtempSync(join(tmpdir(), name));
  dirs.push(dir);
  return dir;
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * A second Gatehouse-like process on `dir`: `lock` only takes the lock, `pglite` opens the
 * database there (which takes the lock) and commits a row. It prints `ready` once done, then
 * lingers (bounded) unless `linger` is false, when nothing but the lock is left to keep it alive.
 */
function spawnHolder(dir: string, mode: 'lock' | 'pglite', linger = true) {
  const script = `
    const dir = process.env.HOLDER_DIR;
    if (process.env.HOLDER_MODE === 'pglite') {
      const { openDatabase } = await import('./src/db/client.ts');
      const { sql } = await import('drizzle-orm');
      const database = await openDatabase({ dataDir: dir });
      await database.db.execute(sql\`create table crash_probe (note text not null)\`);
      await database.db.execute(sql\`insert into crash_probe values ('committed before the crash')\`);
    } else {
      const { acquireDataDirLock } = await import('./src/db/data-dir-lock.ts');
      await acquireDataDirLock(dir);
    }
    process.stdout.write('ready\\n');
    if (process.env.HOLDER_LINGER === '1') setTimeout(() => process.exit(0), ${CHILD_LIFETIME_MS});
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '',
      HOLDER_DIR: dir,
      HOLDER_MODE: mode,
      HOLDER_LINGER: linger ? '1' : '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  // A holder that hangs (say, a lock that keeps its process alive) is ended, never waited for.
  const safety = setTimeout(() => child.kill('SIGKILL'), CHILD_LIFETIME_MS + 10_000);
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const exited = new Promise<Exit>((resolve) => {
    child.on('exit', (code, signal) => {
      clearTimeout(safety);
      resolve({ code, signal });
    });
  });
  const ready = new Promise<void>((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += String(chunk);
      if (stdout.includes('ready\n')) resolve();
    });
    void exited.then((exit) =>
      reject(new Error(`holder exited before ready (${JSON.stringify(exit)}): ${stderr}`)),
    );
  });
  return { child, pid: child.pid!, ready, exited };
}

/** A live process that is not Gatehouse (and ends by itself). */
function spawnUnrelated(): ChildProcess {
  const child = spawn(process.execPath, ['-e', `setTimeout(() => {}, ${CHILD_LIFETIME_MS})`], {
    stdio: 'ignore',
  });
  children.add(child);
  return child;
}

async function crash(holder: ReturnType<typeof spawnHolder>): Promise<void> {
  holder.child.kill('SIGKILL');
  expect(await holder.exited).toEqual({ code: null, signal: 'SIGKILL' });
}

function lockedMessage(dir: string, pid: number): string {
  return `DATA_DIR ${dir} is in use by another Gatehouse process (pid ${pid}); stop it, or set DATA_DIR to another folder or DATABASE_URL to PostgreSQL.`;
}

describe('DATA_DIR lock', () => {
  it('a holder killed with SIGKILL leaves nothing that blocks the next start, and its data is there', async () => {
    const dir = tempDataDir();
    const holder = spawnHolder(dir, 'pglite');
    await holder.ready;
    await crash(holder);
    // What the crash leaves: a socket file nobody listens on.
    expect(existsSync(join(dir, LOCK_SOCKET_NAME))).toBe(true);

    const lock = await acquireDataDirLock(dir);
    lock.release();
    const database = await openDatabase({ dataDir: dir });
    try {
      const rows = await queryRows<{ note: string }>(database.db, sql`select note from crash_probe`);
      expect(rows).toEqual([{ note: 'committed before the crash' }]);
    } finally {
      await database.close();
    }
    // Two PGlite start-ups on disk (the holder's initdb, then this one): slow on a busy machine.
  }, 120_000);

  it('a legacy gatehouse.lock naming a live unrelated process does not block a start', async () => {
    const dir = tempDataDir();
    const unrelated = spawnUnrelated();
    expect(() => process.kill(unrelated.pid!, 0)).not.toThrow();
    writeFileSync(join(dir, 'gatehouse.lock'), String(unrelated.pid));

    const lock = await acquireDataDirLock(dir);
    expect(existsSync(join(dir, 'gatehouse.lock'))).toBe(false);
    lock.release();
  });

  it("a legacy gatehouse.lock naming the starting process's own pid (pid 1 in a container) does not block it", async () => {
    const dir = tempDataDir();
    writeFileSync(join(dir, 'gatehouse.lock'), String(process.pid));

    const lock = await acquireDataDirLock(dir);
    expect(existsSync(join(dir, 'gatehouse.lock'))).toBe(false);
    lock.release();
  });

  it('a second holder while the first is alive is refused, naming the first one’s pid', async () => {
    const dir = tempDataDir();
    const first = spawnHolder(dir, 'lock');
    await first.ready;

    const refusal = await acquireDataDirLock(dir).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(DataDirLockedError);
    expect((refusal as DataDirLockedError).message).toBe(lockedMessage(dir, first.pid));
    expect((refusal as DataDirLockedError).pid).toBe(first.pid);

    // Once the first one is gone (however), the directory is free.
    await crash(first);
    const lock = await acquireDataDirLock(dir);
    lock.release();
  });

  it('release removes the socket, and the lock can be taken again', async () => {
    const dir = tempDataDir();
    const socket = join(dir, LOCK_SOCKET_NAME);
    const lock = await acquireDataDirLock(dir);
    expect(existsSync(socket)).toBe(true);
    await expect(acquireDataDirLock(dir)).rejects.toThrow(lockedMessage(dir, process.pid));
    lock.release();
    lock.release(); // twice is harmless
    expect(existsSync(socket)).toBe(false);

    const again = await acquireDataDirLock(dir);
    again.release();
    expect(existsSync(socket)).toBe(false);
  });

  it('starters racing for one stale socket: exactly one wins, the others see it as live', async () => {
    const dir = tempDataDir();
    const holder = spawnHolder(dir, 'lock');
    await holder.ready;
    await crash(holder);

    const results = await Promise.allSettled([1, 2, 3, 4, 5].map(() => acquireDataDirLock(dir)));
    const won = results.filter((result) => result.status === 'fulfilled');
    const refused = results.filter((result) => result.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(refused).toHaveLength(4);
    for (const result of refused) {
      expect(result.reason).toBeInstanceOf(DataDirLockedError);
      expect((result.reason as DataDirLockedError).pid).toBe(process.pid);
    }
    won[0]!.value.release();
  });

  it('a DATA_DIR path longer than a socket address allows works the same', async () => {
    const dir = tempDataDir(`gatehouse-lock-${'long'.repeat(25)}-`);
    expect(Buffer.byteLength(join(dir, LOCK_SOCKET_NAME))).toBeGreaterThan(108);
    const holder = spawnHolder(dir, 'lock');
    await holder.ready;
    // The socket sits in DATA_DIR itself, not at a truncated path elsewhere.
    expect(existsSync(join(dir, LOCK_SOCKET_NAME))).toBe(true);
    await expect(acquireDataDirLock(dir)).rejects.toThrow(lockedMessage(dir, holder.pid));

    await crash(holder);
    const lock = await acquireDataDirLock(dir);
    await expect(acquireDataDirLock(dir)).rejects.toThrow(lockedMessage(dir, process.pid));
    lock.release();
    expect(existsSync(join(dir, LOCK_SOCKET_NAME))).toBe(false);
  });

  it('the lock never keeps its process alive', async () => {
    const dir = tempDataDir();
    const holder = spawnHolder(dir, 'lock', false);
    await holder.ready;
    expect(await holder.exited).toEqual({ code: 0, signal: null });
  });
});
