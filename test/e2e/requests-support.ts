import { eq } from 'drizzle-orm';
import { auditLog, requests } from '../../src/db/schema.js';
import type { PolicySettingsInput } from '../../src/domain/policy.js';
import { policySettingsSchema } from '../../src/domain/policy.js';
import type { GatehouseSandbox } from '../../src/sandbox/gatehouse-sandbox.js';
import { WOODGROVE } from '../../src/sandbox/seeds.js';
import { createPackage } from '../../src/services/catalog/packages.js';

/**
 * Helpers of the request-surface tests (test/e2e/requests-*.test.ts). The ones that drive Slack
 * live in the driver (src/sandbox/driver.ts), shared with `npm run demo`.
 */
export {
  answersAt,
  buttonBlock,
  buttonsOf,
  cardFor,
  clickEphemeral,
  elementsOf,
} from '../../src/sandbox/driver.js';

export type Sandbox = GatehouseSandbox & { close(): Promise<void> };

let counter = 0;
/** A package name no other test of the file uses. */
export function uniqueName(base: string): string {
  counter += 1;
  return `${base} ${counter}`;
}

/** An access package in General, granting the Marketing resources user group, made by the admin. */
export async function packageWith(
  s: Sandbox,
  name: string,
  policy: PolicySettingsInput = {},
  options: { description?: string; grantGroup?: boolean } = {},
) {
  const created = await createPackage(
    s.gatehouse.deps,
    { userId: WOODGROVE.admin },
    {
      name,
      description: options.description ?? `Access for ${name}`,
      resourceRoles:
        options.grantGroup === false
          ? []
          : [
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
        ...policy,
      }),
    },
  );
  return { id: created.package.id, name, policyId: created.policy.id };
}

export async function requestsOf(s: Sandbox, userId: string, packageId: number) {
  const rows = await s.gatehouse.deps.database.db.select().from(requests).where(eq(requests.userId, userId));
  return rows.filter((r) => r.packageId === packageId);
}

export async function auditActions(s: Sandbox, requestId: number): Promise<string[]> {
  const rows = await s.gatehouse.deps.database.db
    .select()
    .from(auditLog)
    .where(eq(auditLog.requestId, requestId))
    .orderBy(auditLog.id);
  return rows.map((r) => r.action);
}

/** YYYY-MM-DD, `days` from the engine's now. */
export function dayFrom(s: Sandbox, days: number): string {
  return new Date(s.gatehouse.deps.clock.now().getTime() + days * 86_400_000).toISOString().slice(0, 10);
}
