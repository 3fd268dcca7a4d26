import { systemClock } from '../../src/clock.js';
import { MethodPacer, SLACK_METHOD_LIMITS } from '../../src/connectors/method-pacer.js';
import type { Connector } from '../../src/connectors/port.js';
import { slackUsergroupConnector } from '../../src/connectors/slack-usergroup.js';
import { silentLogger } from '../../src/logger.js';
import { FakeSlack, SANDBOX_BOT_TOKEN } from '../../src/sandbox/fake-slack.js';
import { WOODGROVE, woodgroveSeed } from '../../src/sandbox/seeds.js';
import type { EngineDeps } from '../../src/services/context.js';
import { BATCH_MAX, deliverDue, deliverFulfilments } from '../../src/services/lifecycle/delivery-runner.js';
import { backgroundClient } from '../../src/slack/clients.js';
import { createHeldAssignment } from '../../test/support/assignments.js';
import { makePackage } from '../../test/support/catalog.js';
import { insertResource, insertUser } from '../../test/support/fixtures.js';
import { benchEngine } from './engine.js';
import { note } from './output.js';
import { BenchStores, openLocation, type StoreKind } from './stores.js';

/**
 * Many grants to one user group against the simulated workspace enforcing Slack's real tiers
 * (scale 1: usergroups.users.list and .update 20 a minute each), the connector paced a tenth
 * under them. Each grant is created and its delivery started at once without waiting for it, as
 * `deliverLater` does after a person's request; the clock stops when the group holds everyone.
 * `perGrant` runs the connector without its batch method: one read-modify-write per grant, as
 * before batching (capped at `capSeconds`).
 */

export interface UsergroupRow {
  kind: StoreKind;
  mode: 'batched' | 'one call per grant';
  grants: number;
  /** Seconds until the last member was in (or the cap, when `membersIn` < grants). */
  seconds: number;
  membersIn: number;
  calls: number;
  updates: number;
  rateLimited: number;
  /** The fewest calls that can do it: one list and one update per BATCH_MAX grants. */
  floor: number;
}

export async function benchUsergroup(options: {
  kind: StoreKind;
  grants: number;
  perGrant?: boolean;
  capSeconds?: number;
}): Promise<UsergroupRow> {
  const stores = new BenchStores(options.kind);
  const fake = new FakeSlack({ seed: woodgroveSeed(), rateLimits: true, rateLimitScale: 1 });
  try {
    const location = await stores.fresh();
    const database = await openLocation(location, 12);
    await fake.start();
    try {
      const client = backgroundClient({ token: SANDBOX_BOT_TOKEN, apiUrl: fake.apiUrl, log: silentLogger });
      const batched = slackUsergroupConnector(client, {
        pacer: new MethodPacer(SLACK_METHOD_LIMITS, systemClock),
      });
      const connector: Connector = options.perGrant
        ? { grant: (t) => batched.grant(t), revoke: (t) => batched.revoke(t) }
        : batched;
      const base = benchEngine(database).deps;
      // Domain time is real time here, so a grant re-queued at Retry-After comes due.
      const deps: EngineDeps = {
        ...base,
        clock: systemClock,
        connectors: { ...base.connectors, slack_usergroup: connector },
      };
      const resource = await insertResource(database.db, {
        externalId: WOODGROVE.marketingGroup,
        name: 'Marketing resources',
      });
      const pkg = await makePackage(deps, { resource });
      const users: string[] = [];
      for (let i = 0; i < options.grants; i++) {
        const id = await insertUser(database.db);
        fake.workspace.addUser({ id, name: id.toLowerCase() });
        users.push(id);
      }
      note(
        `${options.kind}: ${options.grants} grants to one user group, ${options.perGrant ? 'one call per grant' : 'batched'}`,
      );
      const group = () => fake.group(WOODGROVE.marketingGroup).users.length;
      const started = performance.now();
      const cap = (options.capSeconds ?? 600) * 1000;
      const deliveries: Promise<unknown>[] = [];
      for (const userId of users) {
        const created = await createHeldAssignment(deps, pkg, userId);
        deliveries.push(deliverFulfilments(deps, created.fulfilmentIds).catch(() => undefined));
      }
      let done = false;
      const all = Promise.all(deliveries).then(() => {
        done = true;
      });
      // The delivery job's tick, for anything re-queued (a 429) or left behind.
      while (group() < options.grants && performance.now() - started < cap) {
        await Promise.race([all, new Promise((r) => setTimeout(r, 1_000))]);
        if (done && group() < options.grants) await deliverDue(deps).catch(() => undefined);
      }
      const seconds = (performance.now() - started) / 1000;
      const membersIn = group();
      if (membersIn < options.grants) note('cap reached: the rest is abandoned with the database');
      const calls = fake.calls.filter((c) => c.method.startsWith('usergroups.'));
      return {
        kind: options.kind,
        mode: options.perGrant ? 'one call per grant' : 'batched',
        grants: options.grants,
        seconds,
        membersIn,
        calls: calls.length,
        updates: calls.filter((c) => c.method === 'usergroups.users.update').length,
        rateLimited: calls.filter((c) => c.status === 429).length,
        floor: 2 * Math.ceil(options.grants / BATCH_MAX),
      };
    } finally {
      await database.close().catch(() => undefined);
      await fake.stop();
    }
  } finally {
    await stores.drop();
  }
}
