import { readConfig } from '../src/config.js';
import { benchDelivery, type DeliveryRow } from './bench/delivery.js';
import { benchExpiry, type ExpiryRow, expiryProblems, expiryTable } from './bench/expiry.js';
import { benchHome, type HomeRow } from './bench/home.js';
import { fixed, loadLine, machineLine, say, table } from './bench/output.js';
import { benchSlash, SLASH_TEXT, type SlashRow } from './bench/slash.js';
import { postgresAdminUrl, postgresVersion, type StoreKind } from './bench/stores.js';
import { benchUsergroup, type UsergroupRow } from './bench/usergroup.js';
import { installedVersion } from './bench/versions.js';

/**
 * `npm run bench`: one run, side by side — the slash-command path against a bare Bolt app,
 * request to delivery against raw INSERTs, the App Home build and publish, and the expiry
 * sweep against a plain UPDATE, 500 grants to one user group under Slack's real tiers — on
 * PGlite and PostgreSQL. Options: --only a,b,c,d,e and
 * --db pglite,postgres; the sizes are the brief's.
 */

const SLASH_REQUESTS = 2_000;
const SLASH_CONCURRENCY = [8, 50];
const DELIVERY_SECONDS = 4;
const HOME = { packages: 500, assignments: 200, runs: 100 };
const EXPIRY_COUNT = 20_000;
const GROUP_GRANTS = 500;
/** The one-call-per-grant comparison runs this long at most (it would take ~28 min). */
const PER_GRANT_CAP_SECONDS = 60;
/** The app's default EXPIRY_BATCH_SIZE, as a start-up with no such variable reads it. */
const EXPIRY_BATCH = readConfig({
  SLACK_BOT_TOKEN: 'xoxb-bench',
  SLACK_SIGNING_SECRET: 'bench-signing-secret',
}).expiryBatchSize;

function option(name: string): string[] | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? '').split(',') : undefined;
}

const label = (kind: StoreKind) => (kind === 'pglite' ? 'PGlite' : 'PostgreSQL');
const ms = (value: number) => fixed(value, 1);

function slashSection(rows: readonly SlashRow[]): void {
  say(`## a. Slash command: signed \`/access ${SLASH_TEXT}\` over HTTP → ack, then views.open`);
  say(
    `${SLASH_REQUESTS} requests per target and concurrency level; 'conc' people each send a command and wait for its`,
  );
  say(
    'modal before the next; rounds interleaved (app, bare, app, bare). ack = the HTTP answer; modal = sent →',
  );
  say(
    'views.open reached the fake Slack; req/s = modals finished per second. Fake rate limits and DM pacing off.',
  );
  say();
  say(
    table(
      [
        'database',
        'conc',
        'target',
        'req/s',
        'ack p50 ms',
        'ack p99 ms',
        'p50 ratio',
        'modal p50',
        'modal p99',
        'modals',
        'failed',
      ],
      rows.flatMap((r) =>
        (['app', 'bare'] as const).map((target) => {
          const s = r[target];
          return [
            label(r.kind),
            r.concurrency,
            target === 'app' ? 'Gatehouse' : 'bare Bolt',
            Math.round(s.perSecond),
            ms(s.p50),
            ms(s.p99),
            target === 'app' ? `${fixed(r.app.p50 / r.bare.p50, 2)}x` : '',
            fixed(s.modalP50, 0),
            fixed(s.modalP99, 0),
            `${s.modalsOpened}/${s.requests}`,
            s.requests - s.modalsOpened,
          ];
        }),
      ),
    ),
  );
  say();
  for (const r of rows) {
    for (const target of ['app', 'bare'] as const) {
      const st = r[target];
      const failures = [
        st.refused && `views.open refused (${st.refused})`,
        st.timedOut && `${st.timedOut} without views.open in 5 s`,
        st.non200 && `${st.non200} non-200 acks`,
        st.errorReplies && `${st.errorReplies} error replies`,
      ].filter(Boolean);
      if (failures.length > 0)
        say(`failures, ${label(r.kind)} ${target} at ${r.concurrency}: ${failures.join('; ')}`);
    }
  }
  for (const r of rows) {
    const ratio = r.app.p50 / r.bare.p50;
    const goals = [
      `p50 ratio ${fixed(ratio, 2)} ${ratio <= 1.5 ? '≤ 1.5: met' : `> 1.5: missed by ${fixed(ratio - 1.5, 2)}`}`,
    ];
    if (r.concurrency === 50)
      goals.push(
        `p99 ${ms(r.app.p99)} ms ${r.app.p99 < 300 ? '< 300: met' : `≥ 300: missed by ${ms(r.app.p99 - 300)} ms`}`,
      );
    say(`goal, ${label(r.kind)} at ${r.concurrency}: ${goals.join('; ')}`);
  }
}

function deliverySection(rows: readonly DeliveryRow[]): void {
  say('## b. Request to delivery: submitRequest (auto-approved, grant delivered by a recording connector)');
  say(
    `against a raw two-INSERT transaction (request + assignment), ${DELIVERY_SECONDS} s each, same database, same run.`,
  );
  say();
  say(
    table(
      [
        'database',
        'conc',
        'engine req/s',
        'raw tx/s',
        'engine/raw',
        'statements/req',
        'tx/req',
        'locks/req',
        'audit/req',
        'DMs/req',
        'check',
      ],
      rows.map((r) => [
        label(r.kind),
        r.concurrency,
        fixed(r.engine.perSecond, 1),
        fixed(r.raw.perSecond, 0),
        `${fixed((100 * r.engine.perSecond) / r.raw.perSecond, 1)}%`,
        r.cost.statements,
        r.cost.transactions,
        r.cost.locks,
        fixed(r.check.auditPerRequest, 1),
        fixed(r.check.dmsPerRequest, 1),
        r.check.problems ?? 'all delivered',
      ]),
    ),
  );
  say();
  say(
    'goal ≥ 25% of raw: ' +
      rows
        .map(
          (r) =>
            `${label(r.kind)} c${r.concurrency} ${fixed((100 * r.engine.perSecond) / r.raw.perSecond, 1)}%`,
        )
        .join(', '),
  );
}

function homeSection(rows: readonly HomeRow[]): void {
  say(`## c. App Home: refreshHome (loadHome → homeView → views.publish to the fake) for a member with`);
  say(
    `${HOME.assignments} assignments and ${HOME.packages} requestable packages, ${HOME.runs} publishes after 10 warm-up.`,
  );
  say();
  say(
    table(
      [
        'database',
        'p50 ms',
        'p99 ms',
        'loadHome p50',
        'homeView p50',
        'blocks',
        'bytes',
        'limit issues',
        'setup s',
      ],
      rows.map((r) => [
        label(r.kind),
        ms(r.p50),
        ms(r.p99),
        ms(r.loadP50),
        fixed(r.buildP50, 2),
        r.blocks,
        r.bytes,
        r.limitIssues,
        fixed(r.setupSeconds, 1),
      ]),
    ),
  );
  say();
  say(
    'goal p99 < 150 ms: ' +
      rows
        .map(
          (r) =>
            `${label(r.kind)} ${ms(r.p99)} ms ${r.p99 < 150 ? 'met' : `missed by ${ms(r.p99 - 150)} ms`}`,
        )
        .join(', '),
  );
}

function expirySection(rows: readonly ExpiryRow[]): void {
  say(
    `## d. Expiry sweep: ${EXPIRY_COUNT.toLocaleString('en-US')} assignments due at once, batches of ${EXPIRY_BATCH}`,
  );
  say(
    '(the default), engine against a plain UPDATE of the same rows; each run a child process on a fresh copy.',
  );
  say();
  say(expiryTable(rows));
  say();
  const problems = expiryProblems(rows);
  say(
    problems.length === 0
      ? 'check: every expired row has its audit row, access_ended DM and revoke.'
      : `CHECK FAILED: ${problems.join('; ')}`,
  );
  say(
    'goal within 5x of the raw UPDATE: ' +
      rows.map((r) => `${label(r.kind)} ${fixed(r.engine.seconds / r.raw.seconds, 2)}x`).join(', '),
  );
}

function usergroupSection(rows: readonly UsergroupRow[]): void {
  say(
    `## e. ${GROUP_GRANTS} grants to one user group with the simulated workspace enforcing Slack's real tier limits (scale 1)`,
  );
  say(
    'usergroups.users.list / .update are Tier 2 (20 a minute each); each grant is created and its delivery started at',
  );
  say(
    `once, as after a person's request. floor = one list + one update per ${1000} grants. The one-call-per-grant row`,
  );
  say(`(the connector without its batch method, as before) stops after ${PER_GRANT_CAP_SECONDS} s.`);
  say();
  say(
    table(
      ['database', 'delivery', 'members in', 'seconds', 'usergroups calls', 'updates', 'floor', '429s'],
      rows.map((r) => [
        label(r.kind),
        r.mode,
        `${r.membersIn}/${r.grants}`,
        fixed(r.seconds, 1),
        r.calls,
        r.updates,
        r.floor,
        r.rateLimited,
      ]),
    ),
  );
  say();
  say(
    'goal all in within 180 s: ' +
      rows
        .filter((r) => r.mode === 'batched')
        .map(
          (r) =>
            `${label(r.kind)} ${r.membersIn === r.grants && r.seconds <= 180 ? 'met' : 'missed'} (${fixed(r.seconds, 1)} s, ${r.calls} calls vs floor ${r.floor})`,
        )
        .join(', '),
  );
}

async function main(): Promise<void> {
  const sections = new Set(option('only') ?? ['a', 'b', 'c', 'd', 'e']);
  const started = performance.now();
  const pg = await postgresVersion();
  const kinds = (option('db') ?? ['pglite', 'postgres']).filter(
    (k): k is StoreKind => k === 'pglite' || (k === 'postgres' && pg !== null),
  );
  say('# Gatehouse benchmarks');
  say(machineLine());
  say(
    `databases: PGlite ${installedVersion('@electric-sql/pglite')} (file-backed, temp folder); PostgreSQL ${pg ?? `not reachable at ${postgresAdminUrl()}: skipped`}; Bolt ${installedVersion('@slack/bolt')}`,
  );
  say();
  if (sections.has('a')) {
    const rows: SlashRow[] = [];
    for (const kind of kinds)
      rows.push(
        ...(await benchSlash({
          kind,
          concurrencies: SLASH_CONCURRENCY,
          requestsPerLevel: SLASH_REQUESTS,
          roundsPerTarget: 2,
          warmup: 100,
        })),
      );
    slashSection(rows);
    say();
  }
  if (sections.has('b')) {
    const rows: DeliveryRow[] = [];
    for (const kind of kinds) {
      for (const concurrency of kind === 'postgres' ? [1, 4] : [1])
        rows.push(await benchDelivery({ kind, concurrency, seconds: DELIVERY_SECONDS }));
    }
    deliverySection(rows);
    say();
  }
  if (sections.has('c')) {
    const rows: HomeRow[] = [];
    for (const kind of kinds) rows.push(await benchHome({ kind, ...HOME }));
    homeSection(rows);
    say();
  }
  if (sections.has('d')) {
    const rows: ExpiryRow[] = [];
    for (const kind of kinds)
      rows.push(...(await benchExpiry({ kind, count: EXPIRY_COUNT, batchSizes: [EXPIRY_BATCH] })));
    expirySection(rows);
    say();
  }
  if (sections.has('e')) {
    const rows: UsergroupRow[] = [];
    for (const kind of kinds) rows.push(await benchUsergroup({ kind, grants: GROUP_GRANTS }));
    rows.push(
      await benchUsergroup({
        kind: kinds[0] ?? 'pglite',
        grants: GROUP_GRANTS,
        perGrant: true,
        capSeconds: PER_GRANT_CAP_SECONDS,
      }),
    );
    usergroupSection(rows);
    say();
  }
  say(`whole run: ${fixed((performance.now() - started) / 1000, 0)} s; ${loadLine()}`);
}

await main();
