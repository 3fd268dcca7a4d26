import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { View } from '@slack/types';
import { policySettingsSchema } from '../../src/domain/policy.js';
import type { CallRecord, FakeSlack } from '../../src/sandbox/fake-slack.js';
import { GatehouseSandbox, SANDBOX_SIGNING_SECRET } from '../../src/sandbox/gatehouse-sandbox.js';
import { WOODGROVE } from '../../src/sandbox/seeds.js';
import { createPackage } from '../../src/services/catalog/packages.js';
import { type BareApp, startBareApp } from './bare-app.js';
import { note, percentile } from './output.js';
import type { FromLoader, LoadBody, Timed, ToLoader } from './slash-load.js';
import { BenchStores, type StoreKind } from './stores.js';

/**
 * The slash-command path: signed `/access request Marketing Campaign` POSTs over HTTP to the
 * real app (the sandbox, fake Slack without rate limits, no DM pacing), timed to the HTTP ack,
 * each opening the request modal; against a bare Bolt app that acks and opens a fixed modal.
 * `concurrency` people each wait for their modal before the next command, so the app is measured
 * at the load it can finish, not at the rate it can ack. Rounds alternate (app, bare, app, bare)
 * so drift in the machine's load hits both alike.
 */

export const SLASH_TEXT = 'request Marketing Campaign';

export interface SlashStats {
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  /** Sent → views.open reached the fake (what the person waits for), ms. */
  modalP50: number;
  modalP99: number;
  modalsOpened: number;
  /** Answers on response_url (an error reply instead of the modal). */
  errorReplies: number;
  non200: number;
  /** No views.open within the person's wait. */
  timedOut: number;
  /** Why the fake refused views.open calls (`expired_trigger_id: 3`), if it did. */
  refused: string;
}

export interface SlashRow {
  kind: StoreKind;
  concurrency: number;
  app: SlashStats;
  bare: SlashStats;
}

interface RoundResult {
  timings: Timed[];
  wallMs: number;
  opened: Map<string, number>;
  errorReplies: number;
  /** views.open calls the fake refused, by error. */
  refused: Map<string, number>;
}

type Target = { name: 'app' | 'bare'; url: string; idle(): Promise<void> };

export async function benchSlash(options: {
  kind: StoreKind;
  concurrencies: readonly number[];
  requestsPerLevel: number;
  roundsPerTarget: number;
  warmup: number;
}): Promise<SlashRow[]> {
  const stores = new BenchStores(options.kind);
  let sandbox: GatehouseSandbox | undefined;
  let bare: BareApp | undefined;
  let loader: ChildProcess | undefined;
  try {
    const location = await stores.fresh();
    sandbox = new GatehouseSandbox({
      fake: { rateLimits: false },
      ...(location.kind === 'postgres' ? { databaseUrl: location.where } : {}),
      env: { SLACK_POST_PACING: 'off', ...(location.kind === 'pglite' ? { DATA_DIR: location.where } : {}) },
    });
    await sandbox.start();
    await createPackage(
      sandbox.gatehouse.deps,
      { userId: WOODGROVE.admin },
      {
        name: 'Marketing Campaign',
        description: 'Access to the Marketing resources group for the campaign',
        resourceRoles: [
          {
            resource: {
              kind: 'slack_usergroup',
              externalId: WOODGROVE.marketingGroup,
              name: 'Marketing resources',
            },
            role: 'member',
          },
        ],
        policy: policySettingsSchema.parse({
          requestorScope: 'all_members',
          justificationRequired: true,
          expiry: { kind: 'days', days: 30 },
        }),
      },
    );
    const fake = sandbox.fake;
    watchModals(fake, (triggerId) => loader?.send({ type: 'finished', triggerId } satisfies ToLoader));
    const app: Target = {
      name: 'app',
      url: sandbox.eventsUrl,
      idle: () => sandbox!.idle(),
    };
    loader = fork(fileURLToPath(new URL('./slash-load.ts', import.meta.url)), [], {
      execArgv: process.execArgv,
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    note(`${options.kind}: slash commands, warm-up`);
    const warm = await round(loader, sandbox, app, 8, options.warmup);
    const fixedView = modalOf(fake.calls, warm);
    bare = await startBareApp({
      apiUrl: fake.apiUrl,
      signingSecret: SANDBOX_SIGNING_SECRET,
      view: fixedView,
    });
    const bareTarget: Target = { name: 'bare', url: bare.url, idle: () => bare!.idle() };
    await round(loader, sandbox, bareTarget, 8, options.warmup);

    const rows: SlashRow[] = [];
    const perRound = Math.ceil(options.requestsPerLevel / options.roundsPerTarget);
    for (const concurrency of options.concurrencies) {
      const results: Record<'app' | 'bare', RoundResult[]> = { app: [], bare: [] };
      for (let r = 0; r < options.roundsPerTarget; r++) {
        for (const target of [app, bareTarget]) {
          note(`${options.kind}: ${target.name}, concurrency ${concurrency}, round ${r + 1}`);
          results[target.name].push(await round(loader, sandbox, target, concurrency, perRound));
        }
      }
      rows.push({
        kind: options.kind,
        concurrency,
        app: summarize(results.app),
        bare: summarize(results.bare),
      });
    }
    return rows;
  } finally {
    loader?.send({ type: 'exit' } satisfies ToLoader);
    await bare?.stop();
    await sandbox?.stop();
    await stores.drop();
  }
}

/** One round: the loader sends `total` commands; the parent mints each body (and trigger) on demand. */
async function round(
  loader: ChildProcess,
  sandbox: GatehouseSandbox,
  target: Target,
  concurrency: number,
  total: number,
): Promise<RoundResult> {
  const fake = sandbox.fake;
  const callsBefore = fake.calls.length;
  const responseUrls: string[] = [];
  const done = await new Promise<Extract<FromLoader, { type: 'done' }>>((resolve) => {
    const onMessage = (message: FromLoader) => {
      if (message.type === 'need') {
        const bodies: LoadBody[] = [];
        for (let i = 0; i < message.count; i++) {
          const parts = fake.slashCommand({ userId: WOODGROVE.requestor, text: SLASH_TEXT });
          responseUrls.push(parts.responseUrl!);
          bodies.push({ body: parts.body, triggerId: parts.triggerId! });
        }
        loader.send({ type: 'bodies', bodies } satisfies ToLoader);
      } else {
        loader.off('message', onMessage);
        resolve(message);
      }
    };
    loader.on('message', onMessage);
    loader.send({
      type: 'round',
      url: target.url,
      secret: SANDBOX_SIGNING_SECRET,
      concurrency,
      total,
    } satisfies ToLoader);
  });
  // The work after the ack (the app's queries, views.open, the jobs it kicked) ends before the next round.
  await target.idle();
  const opened = new Map<string, number>();
  for (const call of fake.calls.slice(callsBefore)) {
    if (call.method === 'views.open' && call.ok) opened.set(String(call.args.trigger_id), call.at.getTime());
  }
  const errorReplies = responseUrls.filter((url) => fake.responses(url).length > 0).length;
  const refused = new Map<string, number>();
  for (const call of fake.calls.slice(callsBefore)) {
    if (call.method === 'views.open' && !call.ok) {
      const why = call.error ?? 'unknown';
      refused.set(why, (refused.get(why) ?? 0) + 1);
    }
  }
  return { timings: done.timings, wallMs: done.wallMs, opened, errorReplies, refused };
}

function summarize(rounds: readonly RoundResult[]): SlashStats {
  const timings = rounds.flatMap((r) => r.timings);
  const acks = timings.map((t) => t.ackMs);
  const modal: number[] = [];
  let opened = 0;
  for (const r of rounds) {
    for (const t of r.timings) {
      const at = r.opened.get(t.triggerId);
      if (at === undefined) continue;
      opened += 1;
      modal.push(at - t.sentAt);
    }
  }
  const wallMs = rounds.reduce((sum, r) => sum + r.wallMs, 0);
  return {
    requests: timings.length,
    perSecond: timings.length / (wallMs / 1000),
    p50: percentile(acks, 50),
    p99: percentile(acks, 99),
    modalP50: percentile(modal, 50),
    modalP99: percentile(modal, 99),
    modalsOpened: opened,
    errorReplies: rounds.reduce((sum, r) => sum + r.errorReplies, 0),
    non200: timings.filter((t) => t.status !== 200).length,
    timedOut: timings.filter((t) => t.timedOut).length,
    refused: [...mergeCounts(rounds.map((r) => r.refused))].map(([why, n]) => `${why}: ${n}`).join(', '),
  };
}

function mergeCounts(maps: readonly Map<string, number>[]): Map<string, number> {
  const merged = new Map<string, number>();
  for (const map of maps) for (const [key, n] of map) merged.set(key, (merged.get(key) ?? 0) + n);
  return merged;
}

/**
 * Tells `onModal` about every views.open the fake answers (ok or refused), as it records it: the
 * loader's people wait for their modal. A hook on the fake's call log, for the benchmark only.
 */
function watchModals(fake: FakeSlack, onModal: (triggerId: string) => void): void {
  const calls = fake.calls;
  const push = calls.push.bind(calls);
  calls.push = (...records: CallRecord[]) => {
    for (const record of records) if (record.method === 'views.open') onModal(String(record.args.trigger_id));
    return push(...records);
  };
}

/** The modal the app opened in the warm-up: the bare app opens the same JSON. */
function modalOf(
  calls: readonly { method: string; ok: boolean; args: Record<string, unknown> }[],
  warm: RoundResult,
): View {
  const call = calls.find(
    (c) => c.method === 'views.open' && c.ok && warm.opened.has(String(c.args.trigger_id)),
  );
  if (!call) throw new Error('The app opened no modal in the warm-up: is Marketing Campaign requestable?');
  return call.args.view as View;
}
