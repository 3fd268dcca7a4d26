import type { WebClient } from '@slack/web-api';
import { afterAll, beforeAll } from 'vitest';
import { slackUsergroupConnector } from '../../src/connectors/slack-usergroup.js';
import type { Resource } from '../../src/db/schema.js';
import { silentLogger } from '../../src/logger.js';
import { FakeSlack, SANDBOX_BOT_TOKEN } from '../../src/sandbox/fake-slack.js';
import { WOODGROVE, woodgroveSeed } from '../../src/sandbox/seeds.js';
import type { EngineDeps } from '../../src/services/context.js';
import { backgroundClient } from '../../src/slack/clients.js';
import { type MadePackage, makePackage } from './catalog.js';
import { createTestEngine, type TestEngine, type TestEngineOptions } from './engine.js';
import { insertResource } from './fixtures.js';

/** A test engine whose user groups are the simulated Woodgrove workspace's, over HTTP. */
export interface SlackBackedEngine extends TestEngine {
  fake: FakeSlack;
  /** The background client the jobs use, pointed at the fake. */
  client: WebClient;
  /** The engine's deps with the real user-group connector in place of the recording one. */
  slackDeps: EngineDeps;
}

/** Like useTestEngine, with the fake workspace started before and stopped after. */
export function useSlackBackedEngine(options: TestEngineOptions = {}): SlackBackedEngine {
  const fake = new FakeSlack({ seed: woodgroveSeed(), rateLimits: false });
  let engine: SlackBackedEngine | undefined;
  beforeAll(async () => {
    await fake.start();
    const t = await createTestEngine(options);
    const client = backgroundClient({ token: SANDBOX_BOT_TOKEN, apiUrl: fake.apiUrl, log: silentLogger });
    const slackDeps = {
      ...t.deps,
      connectors: { ...t.deps.connectors, slack_usergroup: slackUsergroupConnector(client) },
    };
    engine = { ...t, fake, client, slackDeps };
  });
  afterAll(async () => {
    await engine?.close();
    await fake.stop();
  });
  return new Proxy({} as SlackBackedEngine, {
    get(_target, key) {
      if (key === 'fake') return fake;
      if (!engine) throw new Error(`the engine is used before its beforeAll ran (reading ${String(key)})`);
      return Reflect.get(engine, key);
    },
  });
}

/** A package granting the seeded Marketing resources user group, registered as a resource first. */
export async function marketingPackage(t: TestEngine): Promise<{ resource: Resource; pkg: MadePackage }> {
  const resource = await insertResource(t.database.db, {
    externalId: WOODGROVE.marketingGroup,
    name: 'Marketing resources',
  });
  return { resource, pkg: await makePackage(t.deps, { resource }) };
}
