import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { ConnectorError, type ProvisioningTarget } from '../../src/connectors/port.js';
import { signWebhook, webhookConnector } from '../../src/connectors/webhook.js';
import { networkTargets } from '../../src/domain/network-targets.js';

const SECRET = 'a-webhook-secret-of-32-characters';
/** The receivers here listen on loopback: allowed the way an admin would (WEBHOOK_ALLOWED_NETWORKS). */
const targets = networkTargets(['127.0.0.0/8']);

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

describe('webhook connector', () => {
  let server: Server;
  let base: string;
  const received: Received[] = [];
  let answer: { status: number; hang?: boolean } = { status: 200 };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += String(chunk);
      });
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        if (answer.hang) return;
        res.writeHead(answer.status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  const wallClock = new ManualClock('2026-11-27T10:00:00Z');
  const target = (path = '/hook'): ProvisioningTarget => ({
    resource: {
      id: 7,
      kind: 'webhook',
      externalId: 'crm',
      name: 'CRM',
      webhookUrl: `${base}${path}`,
      webhookSecret: SECRET,
    },
    role: 'editor',
    userId: 'U0REQ1',
    assignmentId: 42,
    packageId: 3,
    packageName: 'Marketing Campaign',
    deliveryId: 'fulfilment-99',
  });

  it('posts a signed JSON event that a receiver can verify (known answer)', async () => {
    answer = { status: 200 };
    await webhookConnector({ wallClock, targets }).grant(target());
    const last = received.at(-1)!;
    const timestamp = Number(last.headers['x-gatehouse-timestamp']);
    expect(timestamp).toBe(Math.floor(Date.parse('2026-11-27T10:00:00Z') / 1000));
    expect(last.headers['x-gatehouse-delivery']).toBe('fulfilment-99');
    const expected = `v1=${createHmac('sha256', SECRET).update(`v1:${timestamp}:${last.body}`).digest('hex')}`;
    const got = String(last.headers['x-gatehouse-signature']);
    expect(timingSafeEqual(Buffer.from(got), Buffer.from(expected))).toBe(true);
    expect(JSON.parse(last.body)).toMatchObject({
      event: 'grant',
      user: { id: 'U0REQ1' },
      package: { id: 3, name: 'Marketing Campaign' },
      role: 'editor',
      deliveryId: 'fulfilment-99',
    });
    expect(signWebhook('k', 1, '{}')).toBe(`v1=${createHmac('sha256', 'k').update('v1:1:{}').digest('hex')}`);
  });

  it('sends revoke with the same scheme', async () => {
    await webhookConnector({ wallClock, targets }).revoke(target());
    expect(JSON.parse(received.at(-1)!.body).event).toBe('revoke');
  });

  it('retries 5xx and 429, not other 4xx', async () => {
    for (const [status, retryable] of [
      [503, true],
      [429, true],
      [403, false],
      [404, false],
    ] as const) {
      answer = { status };
      const error = await webhookConnector({ wallClock, targets })
        .grant(target())
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectorError);
      expect((error as ConnectorError).retryable).toBe(retryable);
      expect((error as ConnectorError).message).toContain(`HTTP ${status}`);
    }
  });

  it('gives up on a slow receiver after its timeout and calls that retryable', async () => {
    answer = { status: 200, hang: true };
    const error = await webhookConnector({ wallClock, targets, timeoutMs: 150 })
      .grant(target())
      .catch((e: unknown) => e);
    expect((error as ConnectorError).retryable).toBe(true);
    expect((error as ConnectorError).message).toContain('timed out');
  });

  it('an unreachable receiver is retryable', async () => {
    const t = target();
    t.resource.webhookUrl = 'http://127.0.0.1:1/hook';
    const error = await webhookConnector({ wallClock, targets })
      .grant(t)
      .catch((e: unknown) => e);
    expect((error as ConnectorError).retryable).toBe(true);
  });

  it('refuses internal targets unless a configured network allows them: nothing is sent', async () => {
    answer = { status: 200 };
    const port = new URL(base).port;
    const before = received.length;
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      `[::1]:${port}`,
      `[::ffff:127.0.0.1]:${port}`,
      '169.254.169.254',
      '10.0.0.8',
      '192.168.1.20',
      '[fd00::1]',
    ]) {
      const t = target();
      t.resource.webhookUrl = `http://${host}/hook`;
      const error = await webhookConnector({ wallClock, timeoutMs: 500 })
        .grant(t)
        .catch((e: unknown) => e);
      expect(error, host).toBeInstanceOf(ConnectorError);
      expect((error as ConnectorError).code, host).toBe('webhook_target_refused');
      expect((error as ConnectorError).retryable).toBe(false);
      expect((error as ConnectorError).message).toContain('WEBHOOK_ALLOWED_NETWORKS');
    }
    expect(received.length).toBe(before);
    // Allowing one network opens that network only.
    const allowed = target();
    allowed.resource.webhookUrl = `http://localhost:${port}/hook`;
    await webhookConnector({ wallClock, targets: networkTargets(['127.0.0.1/32', '::1/128']) }).grant(
      allowed,
    );
    expect(received.length).toBe(before + 1);
  });
});
