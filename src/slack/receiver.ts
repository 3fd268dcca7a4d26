import type { IncomingMessage, ServerResponse } from 'node:http';
import { type CustomRoute, HTTPReceiver, type Logger as SlackLogger } from '@slack/bolt';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import {
  type SignatureCheck,
  verifySlackSignature,
  verifySlackSignatureHeaders,
} from './verify-signature.js';

export const SLACK_EVENTS_PATH = '/slack/events';

/**
 * The most a Slack request body may weigh. Slack's payloads are small: a slash command is a few
 * kB (its text is at most 4,000 characters) and an event a few more; the largest is a click in a
 * modal or a view_submission, which carries the whole view. Slack refuses a view over 250 kB of
 * JSON, the state of its inputs is at most 100 blocks' worth, and the form encoding
 * (`payload=<URL-encoded JSON>`) turns each quote, brace and non-ASCII byte into three
 * characters: 1 MiB holds the biggest real payload with room to spare, while a flood of big bodies
 * can cost no more than 1 MiB each. Bolt's own default is 4 MB.
 */
export const SLACK_BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * Bolt's HTTPReceiver behind a guard that sees every request Bolt would hand to its Slack handler:
 *
 * - The decision is made on the path the way Bolt makes it (`new URL(req.url, base).pathname`),
 *   so no other spelling of the request target reaches the handler unguarded; a target that Bolt
 *   would route to the handler but that isn't the plain origin form (`http://host/slack/events`,
 *   `/slack/./events`, `/slack\events`, `/slack/events#x`) is refused with 400: Slack never sends one.
 * - Before a byte of the body is read: signature headers present and well formed, the timestamp
 *   within five minutes of the real wall clock both ways (Bolt refuses old timestamps, not ones
 *   from the future), else 401; a Content-Length over the limit, 413. Either way the connection
 *   is closed, so the rest of the body is never read.
 * - The body is read up to the limit (413 and the connection closed past it, chunked or not),
 *   then its HMAC is checked against the signature; Bolt then reuses the buffered body.
 */
export function createGuardedHttpReceiver(options: {
  signingSecret: string;
  wallClock: Clock;
  routes: CustomRoute[];
  log: Logger;
  slackLogger: SlackLogger;
}): HTTPReceiver {
  const receiver = new HTTPReceiver({
    signingSecret: options.signingSecret,
    endpoints: SLACK_EVENTS_PATH,
    customRoutes: options.routes,
    logger: options.slackLogger,
    bodyLimit: SLACK_BODY_LIMIT_BYTES,
  });
  const bolt = receiver.requestListener;
  receiver.requestListener = (req: IncomingMessage, res: ServerResponse) => {
    const target = slackTarget(req);
    if (target === 'elsewhere') return bolt(req, res);
    if (target === 'malformed') {
      options.log.info(
        { target: (req.url ?? '').slice(0, 200) },
        'refused a Slack request: odd request target',
      );
      return refuse(res, 400, 'bad request target', true);
    }
    guard(req, res).then(
      (ok) => {
        if (ok) bolt(req, res);
      },
      (error: unknown) => {
        options.log.error({ err: error }, 'the Slack request guard failed');
        if (!res.headersSent) refuse(res, 500, 'internal error');
      },
    );
  };

  function refusedSignature(res: ServerResponse, check: SignatureCheck & { ok: false }, closing: boolean) {
    options.log.info({ reason: check.reason }, 'refused a Slack request: %s', check.message);
    refuse(res, 401, 'invalid request signature', closing);
  }

  async function guard(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const headers = {
      signingSecret: options.signingSecret,
      timestampHeader: req.headers['x-slack-request-timestamp'],
      signatureHeader: req.headers['x-slack-signature'],
    };
    const early = verifySlackSignatureHeaders({ ...headers, nowSeconds: nowSeconds() });
    if (!early.ok) {
      refusedSignature(res, early, true);
      return false;
    }
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > SLACK_BODY_LIMIT_BYTES) {
      tooLarge(res, Number(declared));
      return false;
    }
    const body = await readBody(req, SLACK_BODY_LIMIT_BYTES);
    if (body === 'aborted') {
      // The client went away mid-body: there is no one to answer.
      req.destroy();
      return false;
    }
    if (body === 'too_large') {
      tooLarge(res, undefined);
      return false;
    }
    // Checked again: a body that trickled in for minutes is as stale as an old timestamp.
    const check = verifySlackSignature({ ...headers, rawBody: body, nowSeconds: nowSeconds() });
    if (!check.ok) {
      refusedSignature(res, check, false);
      return false;
    }
    // Bolt's bufferIncomingMessage reuses a request that already carries its raw body.
    (req as IncomingMessage & { rawBody?: Buffer }).rawBody = body;
    return true;
  }

  function tooLarge(res: ServerResponse, declared: number | undefined) {
    options.log.warn(
      { limit: SLACK_BODY_LIMIT_BYTES, ...(declared === undefined ? {} : { contentLength: declared }) },
      'refused a Slack request: body over the limit',
    );
    refuse(res, 413, 'request body too large', true);
  }

  function nowSeconds(): number {
    return options.wallClock.now().getTime() / 1000;
  }

  return receiver;
}

/**
 * Where this request goes: to Bolt's Slack handler through the guard (`slack`), on to Bolt for
 * the other routes (`elsewhere`), or refused (`malformed`). Bolt routes on
 * `new URL(req.url, 'http://localhost').pathname` and the upper-cased method; so does this. A POST
 * whose target Bolt would route to its handler, or that is a disguise of the endpoint (absolute
 * form, `//slack/events`, `/slack/events/`, `/slack/%65vents`, dot segments, backslashes), but is
 * not exactly `/slack/events` (with an optional query) is `malformed`: Slack never sends one, and
 * refusing it keeps the guard right whatever a later Bolt does to normalise paths.
 */
export function slackTarget(
  req: Pick<IncomingMessage, 'url' | 'method'>,
): 'slack' | 'elsewhere' | 'malformed' {
  const url = req.url ?? '';
  let path: string;
  try {
    path = new URL(url, 'http://localhost').pathname;
  } catch {
    return 'malformed';
  }
  if ((req.method ?? '').toUpperCase() !== 'POST') return 'elsewhere';
  const exact = url === SLACK_EVENTS_PATH || url.startsWith(`${SLACK_EVENTS_PATH}?`);
  if (exact) return 'slack';
  return path === SLACK_EVENTS_PATH || loosePath(url) === SLACK_EVENTS_PATH ? 'malformed' : 'elsewhere';
}

/** The request target with every liberty a server or proxy might take with it taken. */
function loosePath(url: string): string {
  let path = url.split(/[?#]/)[0] ?? '';
  path = path.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/\\]*/i, '');
  for (let round = 0; round < 3 && path.includes('%'); round += 1) {
    try {
      path = decodeURIComponent(path);
    } catch {
      break;
    }
  }
  const segments: string[] = [];
  for (const segment of path.replace(/\\/g, '/').split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  return `/${segments.join('/')}`.toLowerCase();
}

/**
 * Buffers a body of at most `limit` bytes. Past the limit it stops reading (the stream is paused and
 * left; the refusal closes the connection), so no more than `limit` bytes are ever held.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too_large' | 'aborted'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: Buffer | 'too_large' | 'aborted') => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAborted);
      req.off('close', onAborted);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        chunks.length = 0;
        settle('too_large');
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => settle(Buffer.concat(chunks, size));
    const onAborted = () => settle('aborted');
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAborted);
    req.on('close', onAborted);
  });
}

/**
 * A short plain-text refusal. `closing` when the body was not read to its end: `Connection: close`
 * makes Node end and destroy the socket once the answer is written, instead of reading (and
 * discarding) the rest of the body to keep the connection alive.
 */
function refuse(res: ServerResponse, status: number, message: string, closing = false): void {
  res.writeHead(status, {
    'content-type': 'text/plain',
    ...(closing ? { connection: 'close' } : {}),
  });
  res.end(message);
}
