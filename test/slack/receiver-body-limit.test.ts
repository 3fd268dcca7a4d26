import { request, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { App } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { silentLogger } from '../../src/logger.js';
import { JSON_CONTENT_TYPE, signSlackRequest } from '../../src/sandbox/signing.js';
import { slackLogger } from '../../src/slack/clients.js';
import { createGuardedHttpReceiver, SLACK_BODY_LIMIT_BYTES } from '../../src/slack/receiver.js';

const SECRET = 'body-limit-test-secret';
const MiB = 1024 * 1024;
const PIECE = 64 * 1024;

/**
 * The guarded receiver on a port of its own, with a Bolt app behind it, and every connection
 * the server accepts kept so a test can read how many bytes the server took off the wire.
 */
describe('Slack request bodies: capped, and never read for an unsigned request', () => {
  // The receiver's wall clock: a test moves it rather than waiting.
  const wall = new ManualClock(new Date());
  const serverSockets: Socket[] = [];
  let server: Server;
  let port: number;

  beforeAll(async () => {
    const log = silentLogger;
    const receiver = createGuardedHttpReceiver({
      signingSecret: SECRET,
      wallClock: wall,
      routes: [],
      log,
      slackLogger: slackLogger(log),
    });
    // authorize instead of a token: Bolt would otherwise call auth.test on slack.com.
    new App({
      receiver,
      logger: slackLogger(log),
      authorize: async () => ({ botToken: 'xoxb-body-limit', botId: 'B0LIMIT', botUserId: 'U0LIMIT' }),
    });
    server = await receiver.start(0);
    server.on('connection', (socket: Socket) => serverSockets.push(socket));
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const socket of serverSockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const seconds = () => Math.floor(wall.now().getTime() / 1000);
  const signed = (body: string, timestamp = seconds()) => ({
    'X-Slack-Request-Timestamp': String(timestamp),
    'X-Slack-Signature': signSlackRequest(SECRET, timestamp, body),
  });

  interface Upload {
    status: number;
    /** Body bytes the client had written when the answer came. */
    bodyBytesSent: number;
    /** Bytes the server had read off this connection (headers included) when it answered. */
    serverBytesRead: number;
    /** Resolves once the server has closed the connection. */
    closed: Promise<void>;
  }

  /**
   * POSTs `totalBytes` of 'x' over a raw socket, a 64 KiB piece at a time, and writes the next
   * piece only once the server has read everything sent so far: so the client never runs ahead of
   * a server that stopped reading, and the numbers say how much the server read before answering.
   * Resolves with the server's answer.
   */
  function upload(options: {
    headers: Record<string, string>;
    totalBytes: number;
    contentLength?: number;
    chunked?: boolean;
  }): Promise<Upload> {
    return new Promise((resolve, reject) => {
      const accepted = serverSockets.length;
      const socket = connect(port, '127.0.0.1');
      const piece = Buffer.alloc(PIECE, 'x');
      let written = 0;
      let bodySent = 0;
      let bodySentAtAnswer: number | undefined;
      let response = '';
      const closed = new Promise<void>((done) => socket.on('close', () => done()));
      // Writing to a connection the server has closed fails: expected, the answer is what counts.
      socket.on('error', () => {});
      socket.on('data', (data: Buffer) => {
        bodySentAtAnswer ??= bodySent;
        response += data.toString('latin1');
        const end = response.indexOf('\r\n\r\n');
        const length = /\r\ncontent-length: *(\d+)/i.exec(response.slice(0, end));
        if (end < 0 || (length && response.length < end + 4 + Number(length[1]))) return;
        resolve({
          status: Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0),
          bodyBytesSent: bodySentAtAnswer,
          serverBytesRead: serverSockets[accepted]?.bytesRead ?? -1,
          closed,
        });
      });
      socket.on('close', () => reject(new Error(`closed without an answer; ${bodySent} body bytes sent`)));
      const framing = options.chunked
        ? { 'Transfer-Encoding': 'chunked' }
        : { 'Content-Length': String(options.contentLength ?? options.totalBytes) };
      const head = Object.entries({
        Host: `127.0.0.1:${port}`,
        'Content-Type': JSON_CONTENT_TYPE,
        ...framing,
        ...options.headers,
      })
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('');
      const send = (data: Buffer | string) => {
        written += Buffer.byteLength(data);
        socket.write(data);
      };
      send(`POST /slack/events HTTP/1.1\r\n${head}\r\n`);
      const pump = () => {
        if (bodySentAtAnswer !== undefined || socket.destroyed) return;
        const reader = serverSockets[accepted];
        // Not yet accepted, or still reading what was sent: look again on the next turn.
        if (!reader || reader.bytesRead < written) return void setImmediate(pump);
        if (bodySent >= options.totalBytes) {
          if (options.chunked) send('0\r\n\r\n');
          return;
        }
        const size = Math.min(PIECE, options.totalBytes - bodySent);
        const data = piece.subarray(0, size);
        bodySent += size;
        send(
          options.chunked
            ? Buffer.concat([Buffer.from(`${size.toString(16)}\r\n`), data, Buffer.from('\r\n')])
            : data,
        );
        setImmediate(pump);
      };
      pump();
    });
  }

  it('answers an unsigned 40 MB POST with 401 without reading its body, and hangs up', async () => {
    const answer = await upload({ headers: {}, totalBytes: 40 * MiB });
    expect(answer.status).toBe(401);
    expect(answer.bodyBytesSent).toBeLessThan(PIECE * 2);
    expect(answer.serverBytesRead).toBeLessThan(PIECE * 2);
    await answer.closed;
  });

  it('answers a 40 MB POST whose timestamp is six minutes off the wall clock with 401 before reading it', async () => {
    for (const skew of [-360, 360]) {
      const answer = await upload({ headers: signed('whatever', seconds() + skew), totalBytes: 40 * MiB });
      expect(answer.status).toBe(401);
      expect(answer.serverBytesRead).toBeLessThan(PIECE * 2);
    }
  });

  it('answers a malformed signature header with 401 before reading the body', async () => {
    const answer = await upload({
      headers: { 'X-Slack-Request-Timestamp': String(seconds()), 'X-Slack-Signature': 'v0=nope' },
      totalBytes: 40 * MiB,
    });
    expect(answer.status).toBe(401);
    expect(answer.serverBytesRead).toBeLessThan(PIECE * 2);
  });

  it('answers a Content-Length over the limit with 413 without reading the body', async () => {
    const body = 'x'.repeat(SLACK_BODY_LIMIT_BYTES + 1);
    const answer = await upload({ headers: signed(body), totalBytes: body.length });
    expect(answer.status).toBe(413);
    expect(answer.bodyBytesSent).toBeLessThan(PIECE * 2);
    expect(answer.serverBytesRead).toBeLessThan(PIECE * 2);
    await answer.closed;
  });

  it('answers a correctly signed chunked body with 413 once it passes the limit, and reads no further', async () => {
    const total = 32 * MiB;
    const answer = await upload({ headers: signed('x'.repeat(total)), totalBytes: total, chunked: true });
    expect(answer.status).toBe(413);
    expect(answer.serverBytesRead).toBeGreaterThan(SLACK_BODY_LIMIT_BYTES);
    expect(answer.serverBytesRead).toBeLessThan(SLACK_BODY_LIMIT_BYTES + 2 * PIECE);
    await answer.closed;
  });

  it('takes a signed body of exactly the limit', async () => {
    const event = (pad: string) =>
      JSON.stringify({
        team_id: 'T0PAD',
        api_app_id: 'A0PAD',
        type: 'event_callback',
        event_id: 'Ev0PAD',
        event_time: seconds(),
        event: { type: 'padding', pad },
      });
    const body = event('p'.repeat(SLACK_BODY_LIMIT_BYTES - Buffer.byteLength(event(''))));
    expect(Buffer.byteLength(body)).toBe(SLACK_BODY_LIMIT_BYTES);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/slack/events',
          agent: false,
          headers: { 'Content-Type': JSON_CONTENT_TYPE, ...signed(body) },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    expect(status).toBe(200);
  });
});
