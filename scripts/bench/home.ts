import { sql } from 'drizzle-orm';
import { queryRows } from '../../src/db/client.js';
import { policySettingsSchema } from '../../src/domain/policy.js';
import { silentLogger } from '../../src/logger.js';
import { checkView } from '../../src/sandbox/block-kit-checks.js';
import { SANDBOX_BOT_TOKEN } from '../../src/sandbox/fake-slack.js';
import { GatehouseSandbox } from '../../src/sandbox/gatehouse-sandbox.js';
import { WOODGROVE } from '../../src/sandbox/seeds.js';
import { createPackage } from '../../src/services/catalog/packages.js';
import { upsertUser } from '../../src/services/catalog/users.js';
import { type EngineDeps, SYSTEM } from '../../src/services/context.js';
import { submitRequest } from '../../src/services/requests/requests.js';
import { interactiveClient } from '../../src/slack/clients.js';
import { loadHome, refreshHome } from '../../src/slack/portal/home.js';
import { RecordingConnector } from '../../test/support/recording-connector.js';
import { homeView } from '../../views/portal/home.js';
import { note, percentile } from './output.js';
import { BenchStores, type StoreKind } from './stores.js';

/**
 * App Home: build and publish the Home tab (loadHome → homeView → views.publish to the fake, the
 * app's refreshHome) for a member with 200 assignments among 500 requestable packages.
 */

export interface HomeRow {
  kind: StoreKind;
  packages: number;
  assignments: number;
  runs: number;
  /** refreshHome end to end (read, build, publish), ms. */
  p50: number;
  p99: number;
  loadP50: number;
  buildP50: number;
  blocks: number;
  bytes: number;
  limitIssues: number;
  setupSeconds: number;
}

/**
 * `count` more packages like `templateId` (same catalog, resource role and policy), set-based:
 * making 500 packages one service call at a time would take most of the benchmark's budget.
 */
async function copyPackage(deps: EngineDeps, templateId: number, count: number): Promise<number[]> {
  return deps.database.db.transaction(async (tx) => {
    const created = await queryRows<{ id: number; n: number }>(
      tx,
      sql`insert into access_packages (catalog_id, name, description, created_by)
        select p.catalog_id, 'Package ' || lpad(g::text, 3, '0'),
               'Access for team ' || g || ': the channels, groups and tools it works with.', p.created_by
          from access_packages p cross join generate_series(2, ${count + 1}::int) g
         where p.id = ${templateId}
        returning id`,
    );
    await tx.execute(sql`insert into package_resource_roles (package_id, resource_id, role)
      select p.id, r.resource_id, r.role from access_packages p
        join package_resource_roles r on r.package_id = ${templateId}
       where p.id <> ${templateId}`);
    await tx.execute(sql`insert into policies (package_id, name, priority, version, requestor_scope, requestor_user_ids,
        requestor_usergroup_ids, requests_enabled, justification_required, approval_stages, questions, expiry,
        custom_timeline, extension, reminder_offsets_hours, review)
      select p.id, t.name, t.priority, t.version, t.requestor_scope, t.requestor_user_ids, t.requestor_usergroup_ids,
             t.requests_enabled, t.justification_required, t.approval_stages, t.questions, t.expiry,
             t.custom_timeline, t.extension, t.reminder_offsets_hours, t.review
        from access_packages p join policies t on t.package_id = ${templateId}
       where p.id <> ${templateId}`);
    return created.map((row) => Number(row.id));
  });
}

/** A started sandbox (its own database) whose requestor holds `assignments` of `packages` packages. */
export async function homeSandbox(
  stores: BenchStores,
  options: { packages: number; assignments: number },
): Promise<GatehouseSandbox> {
  const location = await stores.fresh();
  const sandbox = new GatehouseSandbox({
    fake: { rateLimits: false },
    ...(location.kind === 'postgres' ? { databaseUrl: location.where } : {}),
    env: { SLACK_POST_PACING: 'off', ...(location.kind === 'pglite' ? { DATA_DIR: location.where } : {}) },
  });
  await sandbox.start();
  const deps = sandbox.gatehouse.deps;
  const userId = WOODGROVE.requestor;
  await upsertUser(deps, SYSTEM, { id: userId, name: 'Requestor1', kind: 'member' });
  const template = await createPackage(
    deps,
    { userId: WOODGROVE.admin },
    {
      name: 'Package 001',
      description: 'Access for team 1: the channels, groups and tools it works with.',
      resourceRoles: [
        {
          resource: {
            kind: 'slack_usergroup',
            externalId: WOODGROVE.marketingGroup,
            name: 'Marketing resources',
          },
        },
      ],
      policy: policySettingsSchema.parse({
        requestorScope: 'all_members',
        justificationRequired: false,
        expiry: { kind: 'days', days: 90 },
      }),
    },
  );
  const ids = [template.package.id, ...(await copyPackage(deps, template.package.id, options.packages - 1))];
  // The assignments come from the engine (submitted, auto-approved, delivered), through a recording
  // connector so the setup does not wait for the fake's user group and 400 DMs.
  const direct = { ...deps, connectors: new RecordingConnector().registry() };
  delete direct.deliverLater;
  for (const packageId of ids.slice(0, options.assignments)) {
    const result = await submitRequest(direct, { userId }, { packageId });
    if (result.state !== 'delivered') throw new Error(`${result.request} is ${result.state}`);
  }
  return sandbox;
}

export async function benchHome(options: {
  kind: StoreKind;
  packages: number;
  assignments: number;
  runs: number;
}): Promise<HomeRow> {
  const stores = new BenchStores(options.kind);
  let sandbox: GatehouseSandbox | undefined;
  try {
    note(`${options.kind}: App Home, ${options.packages} packages, ${options.assignments} assignments`);
    const setupStarted = performance.now();
    sandbox = await homeSandbox(stores, options);
    const setupSeconds = (performance.now() - setupStarted) / 1000;
    const deps = sandbox.gatehouse.deps;
    const userId = WOODGROVE.requestor;
    const ctx = { engine: deps, log: silentLogger };
    const client = interactiveClient({
      token: SANDBOX_BOT_TOKEN,
      apiUrl: sandbox.fake.apiUrl,
      log: silentLogger,
    });
    for (let i = 0; i < 10; i++) await refreshHome(ctx, client, userId, { force: true });
    const total: number[] = [];
    for (let i = 0; i < options.runs; i++) {
      const started = performance.now();
      const result = await refreshHome(ctx, client, userId, { force: true });
      total.push(performance.now() - started);
      if (result !== 'published') throw new Error(`refreshHome answered ${result}`);
    }
    const load: number[] = [];
    const build: number[] = [];
    for (let i = 0; i < Math.min(50, options.runs); i++) {
      let started = performance.now();
      const input = await loadHome(ctx, userId);
      load.push(performance.now() - started);
      started = performance.now();
      homeView(input);
      build.push(performance.now() - started);
    }
    const view = sandbox.fake.homeView(userId);
    const input = await loadHome(ctx, userId);
    if (input.assignments.length !== options.assignments || input.requestable.length !== options.packages) {
      throw new Error(
        `the Home read ${input.assignments.length} assignments and ${input.requestable.length} requestable packages`,
      );
    }
    return {
      kind: options.kind,
      packages: input.requestable.length,
      assignments: input.assignments.length,
      runs: options.runs,
      p50: percentile(total, 50),
      p99: percentile(total, 99),
      loadP50: percentile(load, 50),
      buildP50: percentile(build, 50),
      blocks: view?.blocks.length ?? 0,
      bytes: Buffer.byteLength(JSON.stringify(view ?? {})),
      limitIssues: checkView(view).length,
      setupSeconds,
    };
  } finally {
    await sandbox?.stop();
    await stores.drop();
  }
}
