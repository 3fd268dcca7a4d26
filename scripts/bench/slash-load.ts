import { createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';

/**
 * The people typing `/access …`, in a process of its own so the app under test keeps its event
 * loop. Each of `concurrency` people sends a signed slash command, times it to the end of the
 * HTTP answer (the ack), then waits until the parent says the app called views.open for its
 * trigger (a person waits for the modal before typing again) or 5 s passed. Bodies, each with
 * its own trigger_id (the fake accepts one once, within 3 s), are minted by the parent on demand.
 */

export interface LoadBody {
  body: string;
  triggerId: string;
}

export type ToLoader =
  | { type: 'round'; url: string; secret: string; concurrency: number; total: number }
  | { type: 'bodies'; bodies: LoadBody[] }
  /** The app called views.open with this trigger (ok or refused). */
  | { type: 'finished'; triggerId: string }
  | { type: 'exit' };

export interface Timed {
  triggerId: string;
  /** Wall clock (ms since epoch) when the request was sent. */
  sentAt: number;
  ackMs: number;
  status: number;
  /** No views.open for the trigger within the wait. */
  timedOut: boolean;
}

export type FromLoader = { type: 'need'; count: number } | { type: 'done'; timings: Timed[]; wallMs: number };

/** How long a person waits for the modal before giving up. */
export const MODAL_WAIT_MS = 5_000;

function send(message: FromLoader): void {
  process.send?.(message);
}

function post(agent: Agent, url: URL, secret: string, item: LoadBody): Promise<Timed> {
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${item.body}`).digest('hex')}`;
  const sentAt = Date.now();
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          'Content-Length': Buffer.byteLength(item.body),
          'X-Slack-Request-Timestamp': String(timestamp),
          'X-Slack-Signature': signature,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({
            triggerId: item.triggerId,
            sentAt,
            ackMs: performance.now() - started,
            status: res.statusCode ?? 0,
            timedOut: false,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(item.body);
  });
}

const finished = new Map<string, () => void>();
const finishedEarly = new Set<string>();

/** Resolves when the parent reports the trigger's views.open; true if it never came. */
function modalFor(triggerId: string): Promise<boolean> {
  if (finishedEarly.delete(triggerId)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      finished.delete(triggerId);
      resolve(true);
    }, MODAL_WAIT_MS);
    finished.set(triggerId, () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}

let queue: LoadBody[] = [];
let waiters: (() => void)[] = [];

async function round(message: Extract<ToLoader, { type: 'round' }>): Promise<void> {
  const url = new URL(message.url);
  const agent = new Agent({ keepAlive: true, maxSockets: message.concurrency });
  const timings: Timed[] = [];
  let taken = 0;
  queue = [];
  // A body is asked for just before it is sent: Slack mints the trigger_id when the person types.
  const next = async (): Promise<LoadBody | null> => {
    if (taken >= message.total) return null;
    taken += 1;
    send({ type: 'need', count: 1 });
    while (queue.length === 0) await new Promise<void>((resolve) => waiters.push(resolve));
    return queue.shift()!;
  };
  const begin = performance.now();
  const worker = async () => {
    for (let item = await next(); item; item = await next()) {
      const timing = await post(agent, url, message.secret, item);
      timing.timedOut = await modalFor(item.triggerId);
      timings.push(timing);
    }
  };
  await Promise.all(Array.from({ length: message.concurrency }, worker));
  const wallMs = performance.now() - begin;
  agent.destroy();
  send({ type: 'done', timings, wallMs });
}

process.on('message', (message: ToLoader) => {
  if (message.type === 'round') {
    void round(message);
  } else if (message.type === 'bodies') {
    queue.push(...message.bodies);
    const wake = waiters;
    waiters = [];
    for (const resolve of wake) resolve();
  } else if (message.type === 'finished') {
    const resolve = finished.get(message.triggerId);
    if (resolve) {
      finished.delete(message.triggerId);
      resolve();
    } else {
      finishedEarly.add(message.triggerId);
    }
  } else {
    process.exit(0);
  }
});
