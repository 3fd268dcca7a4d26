import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { auditLog, requests } from '../../src/db/schema.js';
import type { PolicySettingsInput } from '../../src/domain/policy.js';
import { policySettingsSchema } from '../../src/domain/policy.js';
import type { GatehouseSandbox } from '../../src/sandbox/gatehouse-sandbox.js';
import { blockActionsBody, buttonAction } from '../../src/sandbox/payloads.js';
import { WOODGROVE } from '../../src/sandbox/seeds.js';
import { FORM_CONTENT_TYPE } from '../../src/sandbox/signing.js';
import type { PostedMessage } from '../../src/sandbox/workspace.js';
import { createPackage } from '../../src/services/catalog/packages.js';

/** Helpers of the request-surface tests (test/e2e/requests-*.test.ts). */

type Json = Record<string, unknown>;
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

/** Every element (buttons, selects) of some blocks, with the block it sits in. */
export function elementsOf(blocks: unknown): { blockId: string | undefined; element: Json }[] {
  const found: { blockId: string | undefined; element: Json }[] = [];
  for (const block of (blocks ?? []) as Json[]) {
    const candidates = [
      block.accessory,
      block.element,
      ...(Array.isArray(block.elements) ? block.elements : []),
    ];
    for (const element of candidates) {
      if (element && typeof element === 'object' && 'action_id' in (element as Json)) {
        found.push({ blockId: block.block_id as string | undefined, element: element as Json });
      }
    }
  }
  return found;
}

export function buttonsOf(blocks: unknown): Json[] {
  return elementsOf(blocks)
    .map((e) => e.element)
    .filter((e) => e.type === 'button');
}

/** The latest DM to the user whose blocks mention `text` (the request card), as it is now. */
export function cardFor(s: Sandbox, userId: string, text: string): PostedMessage {
  const card = s.fake
    .messagesTo(userId)
    .filter((m) => JSON.stringify(m.blocks).includes(text))
    .at(0);
  expect(card, `a card for ${text} in ${userId}'s DM`).toBeDefined();
  return card!;
}

/** The block holding a button of the message, for s.click. */
export function buttonBlock(message: PostedMessage, actionId: string): string {
  const found = elementsOf(message.blocks).find((e) => e.element.action_id === actionId);
  expect(found, `a ${actionId} button`).toBeDefined();
  return found!.blockId!;
}

/**
 * A click on a button or select of an ephemeral reply (those live only in the person's client,
 * so the sandbox has no message to find): the element must be in the reply. Returns the
 * response_url the app answers on.
 */
export async function clickEphemeral(
  s: Sandbox,
  input: { userId: string; reply: { blocks?: unknown[] }; actionId: string; value?: string; pick?: string },
): Promise<{ status: number; responseUrl: string }> {
  const match = elementsOf(input.reply.blocks).find(
    (e) =>
      e.element.action_id === input.actionId &&
      (input.value === undefined || e.element.value === input.value),
  );
  expect(match, `an element ${input.actionId} in the reply`).toBeDefined();
  const { element, blockId = 'generated' } = match!;
  const responseUrl = s.fake.newResponseUrl({ userId: input.userId });
  const option = (element.options as Json[] | undefined)?.find((o) => o.value === input.pick);
  if (element.type !== 'button') expect(option, `option ${input.pick}`).toBeDefined();
  const action =
    element.type === 'button'
      ? buttonAction({ actionId: input.actionId, blockId, value: String(element.value) })
      : { type: String(element.type), action_id: input.actionId, block_id: blockId, selected_option: option };
  const body = blockActionsBody({
    app: s.fake.app,
    user: { id: input.userId, username: input.userId.toLowerCase() },
    triggerId: s.fake.issueTriggerId(input.userId),
    responseUrl,
    actions: [action as never],
    container: { type: 'message', message_ts: '1.000001', channel_id: 'D0EPHEMERAL', is_ephemeral: true },
  });
  const response = await s.send({ body, contentType: FORM_CONTENT_TYPE });
  await s.idle();
  return { status: response.status, responseUrl };
}

/** The ephemeral answers posted to a response_url. */
export function answersAt(s: Sandbox, url: string): Json[] {
  return s.fake.responses(url).map((r) => r.body as Json);
}

/** YYYY-MM-DD, `days` from the engine's now. */
export function dayFrom(s: Sandbox, days: number): string {
  return new Date(s.gatehouse.deps.clock.now().getTime() + days * 86_400_000).toISOString().slice(0, 10);
}
