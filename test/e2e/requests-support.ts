import { eq } from 'drizzle-orm';
import { auditLog, requests } from '../../src/db/schema.js';
import type { PolicySettingsInput } from '../../src/domain/policy.js';
import { buttonBlock } from '../../src/sandbox/driver.js';
import type { PostedMessage } from '../../src/sandbox/workspace.js';
import { MARKETING_GROUP, type MadePackage, makePackage, OPEN_POLICY } from '../support/catalog.js';
import type { Sandbox } from '../support/sandbox.js';

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

let counter = 0;
/** A package name no other test of the file uses. */
export function uniqueName(base: string): string {
  counter += 1;
  return `${base} ${counter}`;
}

/** An access package in General granting the Marketing resources user group, requestable by every member with a justification. */
export function packageWith(
  s: Sandbox,
  name: string,
  policy: PolicySettingsInput = {},
  options: { description?: string; grantGroup?: boolean } = {},
): Promise<MadePackage> {
  return makePackage(s.gatehouse.deps, {
    name,
    description: options.description ?? `Access for ${name}`,
    resourceRoles: options.grantGroup === false ? [] : [MARKETING_GROUP],
    policy: { ...OPEN_POLICY, justificationRequired: true, ...policy },
  });
}

/** Presses `actionId` on `card` (a request card in `userId`'s DMs, as cardFor finds it), as Slack sends the click. */
export function clickOnCard(
  s: Sandbox,
  userId: string,
  card: PostedMessage,
  actionId: string,
): Promise<Response> {
  return s.click({ userId, messageTs: card.ts, blockId: buttonBlock(card, actionId), actionId });
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
