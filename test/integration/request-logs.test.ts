import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/config.js';
import { configSecrets, createLogger } from '../../src/logger.js';
import { buttonBlock, cardFor } from '../../src/sandbox/driver.js';
import { SANDBOX_BOT_TOKEN, SANDBOX_VERIFICATION_TOKEN } from '../../src/sandbox/fake-slack.js';
import { type GatehouseSandbox, SANDBOX_SIGNING_SECRET } from '../../src/sandbox/gatehouse-sandbox.js';
import { WOODGROVE } from '../../src/sandbox/seeds.js';
import { ACTION } from '../../views/ids.js';
import { MARKETING_GROUP, makePackage, OPEN_POLICY } from '../support/catalog.js';
import { databaseLabel } from '../support/db.js';
import { startSandbox } from '../support/sandbox.js';

type Line = Record<string, unknown> & { msg?: string; reqId?: string };
const { admin, requestor, approver } = WOODGROVE;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe(`structured logs of Slack requests (${databaseLabel})`, () => {
  let s: GatehouseSandbox & { close(): Promise<void> };
  const raw: string[] = [];
  const lines = () => raw.map((line) => JSON.parse(line) as Line);
  /** The one "slack request handled" line of a request, by what Slack request it was. */
  const handled = (slack: string) => {
    const found = lines().filter((l) => l.msg === 'slack request handled' && l.slack === slack);
    expect(found, `a handled line for ${slack}`).not.toHaveLength(0);
    return found.at(-1)!;
  };

  beforeAll(async () => {
    // The app's logger as the runtime builds it from a configuration with secrets, at the chattiest level.
    const config = readConfig({
      SLACK_BOT_TOKEN: SANDBOX_BOT_TOKEN,
      SLACK_SIGNING_SECRET: SANDBOX_SIGNING_SECRET,
    });
    const logger = createLogger('trace', {
      secrets: configSecrets(config),
      destination: { write: (line: string) => void (line && raw.push(line)) },
    });
    s = await startSandbox({ logger });
  });
  afterAll(() => s.close());

  it('a command: one line for the request with its id, the Slack user, the R-… id and the outcome', async () => {
    await s.command(requestor, 'cancel R-4242');
    const line = handled('command cancel');
    expect(line.reqId).toMatch(UUID);
    expect(line).toMatchObject({
      slackUser: requestor,
      gatehouseRequest: 'R-4242',
      outcome: 'refused',
      level: 30,
    });
    expect(typeof line.ackMs).toBe('number');
    expect(typeof line.ms).toBe('number');
    // Every other line logged while handling it (the Web API client's, the engine's) carries the ids too.
    const same = lines().filter((l) => l.reqId === line.reqId);
    expect(same.length).toBeGreaterThan(1);
    for (const other of same)
      expect(other).toMatchObject({ slackUser: requestor, gatehouseRequest: 'R-4242' });
  });

  it('requests handled at the same time keep their own ids; the jobs they kick carry none', async () => {
    await Promise.all([s.command(requestor, 'list'), s.command(admin, 'catalog list')]);
    const mine = handled('command list');
    const theirs = handled('command catalog list');
    expect(mine.reqId).not.toBe(theirs.reqId);
    for (const line of lines().filter((l) => l.reqId === mine.reqId)) expect(line.slackUser).toBe(requestor);
    for (const line of lines().filter((l) => l.reqId === theirs.reqId)) expect(line.slackUser).toBe(admin);
    const jobLines = lines().filter((l) => l.msg === 'job ran');
    expect(jobLines.length).toBeGreaterThan(0);
    for (const line of jobLines) expect(line.reqId).toBeUndefined();
  });

  it('a submission names the request it created; a click on Approve names the request on its card', async () => {
    await makePackage(s.gatehouse.deps, {
      name: 'Logged Approval',
      resourceRoles: [MARKETING_GROUP],
      policy: { ...OPEN_POLICY, approvalStages: [{ approverUserIds: [approver] }] },
    });
    await s.command(requestor, 'request Logged Approval');
    await s.submit({ userId: requestor, answers: {} });
    const submitted = handled('view request_access');
    expect(submitted).toMatchObject({ slackUser: requestor, outcome: 'ok' });
    expect(submitted.gatehouseRequest).toMatch(/^R-\d+$/);

    const card = cardFor(s, approver, String(submitted.gatehouseRequest));
    await s.click({
      userId: approver,
      messageTs: card.ts,
      blockId: buttonBlock(card, ACTION.approveRequest),
      actionId: ACTION.approveRequest,
    });
    const clicked = handled('action approve_request');
    expect(clicked).toMatchObject({
      slackUser: approver,
      gatehouseRequest: submitted.gatehouseRequest,
      outcome: 'ok',
    });
  });

  it('no secret of the configuration, nor the payloads’ verification token, reaches a line', () => {
    expect(raw.length).toBeGreaterThan(50);
    // The Web API client's debug lines were on: the token would have had chances to leak.
    expect(lines().some((l) => typeof l.msg === 'string' && l.msg.includes('apiCall('))).toBe(true);
    const output = raw.join('');
    for (const secret of [SANDBOX_BOT_TOKEN, SANDBOX_SIGNING_SECRET, SANDBOX_VERIFICATION_TOKEN]) {
      expect(output).not.toContain(secret);
    }
  });
});
