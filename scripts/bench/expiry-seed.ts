import { sql } from 'drizzle-orm';
import { type PolicySettings, policySettingsSchema } from '../../src/domain/policy.js';
import { createPackage } from '../../src/services/catalog/packages.js';
import type { EngineDeps } from '../../src/services/context.js';
import { BENCH_ADMIN } from './engine.js';

const DAY_MS = 86_400_000;

/**
 * `count` delivered assignments of one package (one user group role), all ending at `dueAt`,
 * as the engine would have left them: each with its delivered request, its delivered grant,
 * its sent reminders and an audit row. The package is made by the engine; the rows by
 * set-based SQL (generate_series), so seeding 100,000 takes seconds.
 */
export async function seedDueAssignments(deps: EngineDeps, count: number, dueAt: Date): Promise<void> {
  const settings: PolicySettings = policySettingsSchema.parse({
    requestorScope: 'all_members',
    justificationRequired: false,
    expiry: { kind: 'days', days: 30 },
  });
  const created = await createPackage(deps, BENCH_ADMIN, {
    name: `Expiring access ${count}`,
    resourceRoles: [
      { resource: { kind: 'slack_usergroup', externalId: 'S0BENCHEXPIRY', name: 'Expiry bench group' } },
    ],
    policy: settings,
  });
  const pkg = created.package.id;
  const policy = created.policy.id;
  const resource = created.resourceRoles[0]!.resource.id;
  const startedAt = new Date(dueAt.getTime() - 30 * DAY_MS).toISOString();
  const due = dueAt.toISOString();
  const db = deps.database.db;
  await db.execute(sql`insert into users (id, name, created_at, updated_at)
    select 'U0BX' || g, 'Bench user ' || g, ${startedAt}::timestamptz, ${startedAt}::timestamptz
      from generate_series(1, ${count}::int) g
    on conflict (id) do nothing`);
  await db.execute(sql`insert into requests (package_id, policy_id, policy_version, policy_snapshot, type, state,
      user_id, requested_by, created_at, updated_at, closed_at)
    select ${pkg}::int, ${policy}::int, 1, ${JSON.stringify(settings)}::jsonb, 'user_add', 'delivered',
           'U0BX' || g, 'U0BX' || g, ${startedAt}::timestamptz, ${startedAt}::timestamptz, ${startedAt}::timestamptz
      from generate_series(1, ${count}::int) g`);
  await db.execute(sql`insert into assignments (user_id, package_id, policy_id, request_id, state, starts_at, ends_at,
      created_at, updated_at)
    select r.user_id, r.package_id, r.policy_id, r.id, 'delivered', ${startedAt}::timestamptz, ${due}::timestamptz,
           ${startedAt}::timestamptz, ${startedAt}::timestamptz
      from requests r where r.package_id = ${pkg}::int`);
  await db.execute(sql`update requests r set assignment_id = a.id
      from assignments a where a.request_id = r.id and r.package_id = ${pkg}::int`);
  await db.execute(sql`insert into fulfilments (assignment_id, resource_id, role, user_id, action, state, attempts,
      next_attempt_at, done_at, created_at)
    select a.id, ${resource}::int, 'member', a.user_id, 'grant', 'delivered', 1,
           ${startedAt}::timestamptz, ${startedAt}::timestamptz, ${startedAt}::timestamptz
      from assignments a where a.package_id = ${pkg}::int`);
  await db.execute(sql`insert into expiry_reminders (assignment_id, offset_hours, due_at, sent_at)
    select a.id, o, ${due}::timestamptz - o * interval '1 hour', ${due}::timestamptz - o * interval '1 hour'
      from assignments a cross join unnest(array[336, 24]) o where a.package_id = ${pkg}::int`);
  await db.execute(sql`insert into audit_log (at, actor_id, action, package_id, assignment_id, request_id,
      subject_user_id, data)
    select ${startedAt}::timestamptz, a.user_id, 'assignment.delivered', a.package_id, a.id, a.request_id, a.user_id,
           '{"from":"delivering"}'::jsonb
      from assignments a where a.package_id = ${pkg}::int`);
  await db.execute(sql`vacuum analyze`);
}

/** The plain UPDATE the engine's expiry is compared with: the same rows, state and end only. */
export async function rawExpire(deps: EngineDeps, now: Date): Promise<number> {
  const result =
    (await deps.database.db.execute(sql`update assignments set state = 'expired', ended_at = now()
     where state in ('delivering','delivered','delivery_failed') and ends_at is not null
       and ends_at <= ${now.toISOString()}::timestamptz`)) as unknown as {
      count?: number;
      affectedRows?: number;
    };
  return Number(result.count ?? result.affectedRows ?? 0);
}
