import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import {
  FORM_CONTENT_TYPE,
  postSigned,
  SIGNATURE_HEADER,
  signSlackRequest,
  slashCommandBody,
  TIMESTAMP_HEADER,
} from '../../src/sandbox/signing.js';
import { type SignatureCheck, verifySlackSignature } from '../../src/slack/verify-signature.js';

// Slack's own worked example (docs: "Verifying requests from Slack").
const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const TIMESTAMP = 1531420618;
const BODY =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const SIGNATURE = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';

function verify(overrides: Partial<Parameters<typeof verifySlackSignature>[0]> = {}): SignatureCheck {
  return verifySlackSignature({
    signingSecret: SECRET,
    timestampHeader: String(TIMESTAMP),
    signatureHeader: SIGNATURE,
    rawBody: BODY,
    nowSeconds: TIMESTAMP,
    ...overrides,
  });
}

describe('Slack request signing', () => {
  it('signs Slack’s known answer', () => {
    expect(signSlackRequest(SECRET, TIMESTAMP, BODY)).toBe(SIGNATURE);
  });

  it('verifies Slack’s known answer, from a string or the raw bytes', () => {
    expect(verify()).toEqual({ ok: true });
    expect(verify({ rawBody: Buffer.from(BODY, 'utf8') })).toEqual({ ok: true });
  });

  it('builds the slash command body byte for byte as Slack sent it', () => {
    const body = slashCommandBody({
      app: {
        teamId: 'T1DC2JH3J',
        teamDomain: 'testteamnow',
        apiAppId: 'unused',
        verificationToken: 'xyzz0WbapA4vBCDEFasx0q6G',
      },
      apiAppId: null,
      command: '/webhook-collect',
      text: '',
      userId: 'U2CERLKJA',
      userName: 'roadrunner',
      channelId: 'G8PSS9T3V',
      channelName: 'foobar',
      responseUrl: 'https://hooks.slack.com/commands/T1DC2JH3J/397700885554/96rGlfmibIGlgcZRskXaIFfN',
      triggerId: '398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
    });
    expect(body).toBe(BODY);
  });

  it.each([
    ['300 s in the past', -300],
    ['300 s in the future', 300],
  ])('accepts a timestamp %s', (_label, skew) => {
    expect(verify({ nowSeconds: TIMESTAMP - skew })).toEqual({ ok: true });
  });

  it.each([
    ['301 s in the past', -301],
    ['301 s in the future (Bolt lets this through)', 301],
    ['a day in the future', 86_400],
  ])('refuses a timestamp %s', (_label, skew) => {
    const check = verify({ nowSeconds: TIMESTAMP - skew });
    expect(check).toMatchObject({ ok: false, reason: 'timestamp_out_of_window' });
  });

  it('refuses a tampered body, a wrong secret and a signature for another timestamp', () => {
    expect(verify({ rawBody: BODY.replace('text=', 'text=admin') })).toMatchObject({
      ok: false,
      reason: 'signature_mismatch',
    });
    expect(verify({ signingSecret: 'another-secret' })).toMatchObject({
      ok: false,
      reason: 'signature_mismatch',
    });
    expect(verify({ timestampHeader: String(TIMESTAMP + 1), nowSeconds: TIMESTAMP })).toMatchObject({
      ok: false,
      reason: 'signature_mismatch',
    });
  });

  it('refuses missing and malformed headers without comparing anything', () => {
    expect(verify({ signatureHeader: undefined })).toMatchObject({ ok: false, reason: 'missing_headers' });
    expect(verify({ timestampHeader: '' })).toMatchObject({ ok: false, reason: 'missing_headers' });
    expect(verify({ timestampHeader: '15314x0618' })).toMatchObject({
      ok: false,
      reason: 'malformed_timestamp',
    });
    expect(verify({ signatureHeader: 'v1=abc' })).toMatchObject({ ok: false, reason: 'malformed_signature' });
    expect(verify({ signatureHeader: SIGNATURE.slice(0, -1) })).toMatchObject({
      ok: false,
      reason: 'malformed_signature',
    });
    expect(verify({ signingSecret: '' })).toMatchObject({ ok: false, reason: 'missing_secret' });
  });

  describe('postSigned', () => {
    let server: Server;
    let url: string;
    const received: Array<{ check: SignatureCheck; contentType: string | undefined; retryNum: unknown }> = [];
    const wall = new ManualClock('2026-01-05T09:00:00Z');

    beforeAll(async () => {
      server = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          received.push({
            check: verifySlackSignature({
              signingSecret: SECRET,
              timestampHeader: request.headers[TIMESTAMP_HEADER.toLowerCase()],
              signatureHeader: request.headers[SIGNATURE_HEADER.toLowerCase()],
              rawBody: Buffer.concat(chunks),
              nowSeconds: Math.floor(wall.now().getTime() / 1000),
            }),
            contentType: request.headers['content-type'],
            retryNum: request.headers['x-slack-retry-num'],
          });
          response.end('');
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('sends a body the verifier accepts, stamped from the injected clock', async () => {
      const response = await postSigned(url, 'text=caf%C3%A9', FORM_CONTENT_TYPE, {
        secret: SECRET,
        clock: wall,
        headers: { 'X-Slack-Retry-Num': '1' },
      });
      expect(response.status).toBe(200);
      expect(received.at(-1)).toEqual({ check: { ok: true }, contentType: FORM_CONTENT_TYPE, retryNum: '1' });
    });

    it('sends a stale timestamp when told, and the verifier refuses it', async () => {
      const stale = Math.floor(wall.now().getTime() / 1000) - 301;
      await postSigned(url, 'a=1', FORM_CONTENT_TYPE, { secret: SECRET, timestamp: stale });
      expect(received.at(-1)?.check).toMatchObject({ ok: false, reason: 'timestamp_out_of_window' });
    });
  });
});
