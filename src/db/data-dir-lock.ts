import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, statSync, unlinkSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join, resolve } from 'node:path';

/** The lock: a Unix domain socket the holder listens on, inside DATA_DIR. */
export const LOCK_SOCKET_NAME = 'gatehouse.sock';
/** The pid file earlier versions used; it can outlive its process, so it is only removed. */
const LEGACY_LOCK_FILE = 'gatehouse.lock';
/** sun_path is 108 bytes on Linux, 104 on macOS, both counting the final NUL. */
const MAX_SOCKET_PATH_BYTES = process.platform === 'linux' ? 107 : 103;
/** How long a holder that accepted the connection has to name its pid (a busy event loop may be slow). */
const PID_ANSWER_MS = 2_000;
/** Each round either ends (held, refused) or follows another starter's progress: a bound on pathologies. */
const MAX_ROUNDS = 10;

export interface DataDirLock {
  release(): void;
}

export class DataDirLockedError extends Error {
  /** The holder's pid, when it answered in time. */
  readonly pid: number | undefined;
  constructor(dataDir: string, pid: number | undefined) {
    super(
      `DATA_DIR ${dataDir} is in use by another Gatehouse process (pid ${pid ?? 'unknown'}); stop it, or set DATA_DIR to another folder or DATABASE_URL to PostgreSQL.`,
    );
    this.name = 'DataDirLockedError';
    this.pid = pid;
  }
}

/**
 * One writer per PGlite directory: two processes on one directory would both write and corrupt it.
 * The holder listens on `DATA_DIR/gatehouse.sock` and tells each client that connects its pid. A
 * listening socket belongs to its process, so the kernel ends the lock with the process however
 * it dies (kill -9, OOM, power cut): what is left is a socket file nobody listens on, which the
 * next start recognizes (connection refused) and takes over. Pids are never compared, so a pid
 * reused by another process (pid 1 in every container start) cannot block a start.
 */
export async function acquireDataDirLock(dataDir: string): Promise<DataDirLock> {
  const directory = resolve(dataDir);
  const socketPath = join(directory, LOCK_SOCKET_NAME);
  const { address, dirFd } = socketAddress(dataDir, directory, socketPath);
  try {
    const server = await takeLock(dataDir, directory, socketPath, address);
    server.unref();
    removeLegacyLockFile(directory);
    let released = false;
    return {
      release() {
        if (released) return;
        released = true;
        // Closing a listening Unix socket unlinks its path (libuv, synchronously). With the
        // /proc/self/fd alias the directory fd must still be open then: close it afterwards.
        server.close(() => {
          if (dirFd !== undefined) closeQuietly(dirFd);
        });
      },
    };
  } catch (error) {
    if (dirFd !== undefined) closeQuietly(dirFd);
    throw error;
  }
}

/**
 * The address to bind and connect to. A path longer than sun_path would be truncated silently
 * (binding some other file), so a long DATA_DIR is reached on Linux through
 * `/proc/self/fd/<fd of the directory>/gatehouse.sock`: the socket stays a file in DATA_DIR, the
 * same lock for every process that sees the folder, including containers that share the volume
 * but not a network namespace. An abstract socket named from a hash of the realpath would be
 * per network namespace and differ when one folder is mounted at two paths, so it was not chosen.
 */
function socketAddress(
  dataDir: string,
  directory: string,
  socketPath: string,
): { address: string; dirFd: number | undefined } {
  if (Buffer.byteLength(socketPath) <= MAX_SOCKET_PATH_BYTES)
    return { address: socketPath, dirFd: undefined };
  if (process.platform === 'linux' && existsSync('/proc/self/fd')) {
    const dirFd = openSync(directory, 'r');
    return { address: `/proc/self/fd/${dirFd}/${LOCK_SOCKET_NAME}`, dirFd };
  }
  throw new Error(
    `DATA_DIR ${dataDir} is too long a path for its lock socket (${Buffer.byteLength(socketPath)} bytes, at most ${MAX_SOCKET_PATH_BYTES}); use a shorter DATA_DIR.`,
  );
}

async function takeLock(
  dataDir: string,
  directory: string,
  socketPath: string,
  address: string,
): Promise<Server> {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const server = await listenOrNull(address, answerPid);
    if (server) return server;
    const holder = await probe(address);
    if (holder.state === 'live') throw new DataDirLockedError(dataDir, holder.pid);
    if (holder.state === 'absent') continue; // the holder released it just now: try again
    // Stale. Removing it is check-then-act: two starters that both saw it stale must not both
    // unlink (the slower one would remove the faster one's fresh, live socket and both would
    // hold the lock). So the removal runs under a takeover mutex; a starter that finds the mutex
    // taken waits for it and starts the round again, and then sees the winner as live.
    const taken = await underTakeoverMutex(directory, async () => {
      const again = await probe(address);
      if (again.state === 'live') throw new DataDirLockedError(dataDir, again.pid);
      if (again.state === 'stale') unlinkIfPresent(socketPath);
      // Only one listen can win: a starter that lost sees the winner as live next round.
      return listenOrNull(address, answerPid);
    });
    if (taken) return taken;
  }
  throw new DataDirLockedError(dataDir, undefined);
}

function answerPid(socket: Socket): void {
  socket.on('error', () => {});
  socket.end(`${process.pid}\n`);
}

/** Listens on `address`; null when it is in use (EADDRINUSE). */
function listenOrNull(address: string, onConnection: (socket: Socket) => void): Promise<Server | null> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer(onConnection);
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') resolvePromise(null);
      else reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      server.on('error', () => {}); // accept errors must not crash the process holding the lock
      resolvePromise(server);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(address);
  });
}

type Probe = { state: 'live'; pid: number | undefined } | { state: 'stale' } | { state: 'absent' };

/** Connects to the lock socket: someone accepting it holds the lock (and names its pid). */
function probe(address: string): Promise<Probe> {
  return new Promise((resolvePromise, reject) => {
    const socket = connect(address);
    let connected = false;
    let answer = '';
    let timer: NodeJS.Timeout | undefined;
    socket.setEncoding('utf8');
    socket.on('connect', () => {
      connected = true;
      timer = setTimeout(() => socket.destroy(), PID_ANSWER_MS);
    });
    socket.on('data', (chunk: string) => {
      answer += chunk;
      if (answer.includes('\n')) socket.destroy();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (connected) return; // the holder hung up early: still live, see 'close'
      if (error.code === 'ECONNREFUSED') resolvePromise({ state: 'stale' });
      else if (error.code === 'ENOENT') resolvePromise({ state: 'absent' });
      // A full backlog: someone is listening, too busy to accept.
      else if (error.code === 'EAGAIN') resolvePromise({ state: 'live', pid: undefined });
      else reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      if (!connected) return;
      const pid = Number(answer.trim());
      resolvePromise({ state: 'live', pid: Number.isSafeInteger(pid) && pid > 0 ? pid : undefined });
    });
  });
}

/**
 * Runs `fn` while holding this directory's takeover mutex, or waits for its holder and returns
 * null. On Linux the mutex is an abstract Unix socket named from the directory's device and inode:
 * the kernel drops it with its process, so it is never stale itself. Elsewhere there is none, and
 * two starters taking over one stale socket in the same instant could both succeed.
 */
async function underTakeoverMutex(
  directory: string,
  fn: () => Promise<Server | null>,
): Promise<Server | null> {
  if (process.platform !== 'linux') return fn();
  const { dev, ino } = statSync(directory, { bigint: true });
  const name = `\0gatehouse-takeover-${createHash('sha256').update(`${dev}:${ino}`).digest('hex').slice(0, 32)}`;
  const waiters = new Set<Socket>();
  const mutex = await listenOrNull(name, (socket) => {
    socket.on('error', () => {});
    waiters.add(socket);
  });
  if (!mutex) {
    await waitForRelease(name);
    return null;
  }
  mutex.unref();
  try {
    return await fn();
  } finally {
    mutex.close();
    for (const waiter of waiters) waiter.destroy();
  }
}

/** Resolves when the mutex holder hangs up on us (done, or dead), or if it is gone already. */
function waitForRelease(name: string): Promise<void> {
  return new Promise((resolvePromise) => {
    const socket = connect(name);
    const timer = setTimeout(() => socket.destroy(), 5_000);
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolvePromise();
    });
  });
}

function removeLegacyLockFile(directory: string): void {
  unlinkQuietly(join(directory, LEGACY_LOCK_FILE));
}

function unlinkIfPresent(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone (or not ours to remove): nothing to do
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}
