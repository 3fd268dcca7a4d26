import { randomBytes } from 'node:crypto';
import type { PolicySettingsInput } from '../../src/domain/policy.js';
import { userJson } from '../../src/sandbox/methods/users.js';
import { blockActionsBody, buttonAction } from '../../src/sandbox/payloads.js';
import { FORM_CONTENT_TYPE } from '../../src/sandbox/signing.js';
import { upsertUser } from '../../src/services/catalog/users.js';
import { SYSTEM } from '../../src/services/context.js';
import { directoryRecord, type SlackUserObject } from '../../src/slack/directory.js';
import type { Installation } from '../../src/slack/installation.js';
import { type MadePackage, makePackage, OPEN_POLICY } from '../support/catalog.js';
import type { Sandbox } from '../support/sandbox.js';

/** Helpers of the portal's Slack tests (test/e2e/portal-*.test.ts): fresh people, groups and packages per test. */

/** Opening the Home tab drives Slack: it lives in the driver, shared with `npm run demo`. */
export { openHome } from '../../src/sandbox/driver.js';

const suffix = () => randomBytes(3).toString('hex');

/** A new member of the workspace, known to the engine (as users.info would have told it). */
export async function newPerson(s: Sandbox, name = `person-${suffix()}`): Promise<string> {
  const user = s.fake.workspace.addUser({ name, real_name: name });
  await upsertUser(s.gatehouse.deps, SYSTEM, directoryRecord(slackUser(s, user.id), installationOf(s)));
  return user.id;
}

/** Someone of the seeded workspace, made known to the engine. */
export async function knownPerson(s: Sandbox, userId: string): Promise<string> {
  await upsertUser(s.gatehouse.deps, SYSTEM, directoryRecord(slackUser(s, userId), installationOf(s)));
  return userId;
}

/** The user object users.info answers with. */
function slackUser(s: Sandbox, userId: string): SlackUserObject & { id: string } {
  return userJson(s.fake.workspace, s.fake.workspace.user(userId)) as unknown as SlackUserObject & {
    id: string;
  };
}

/** The installation as auth.test tells the app about the sandbox workspace. */
export function installationOf(s: Sandbox): Installation {
  const { workspace } = s.fake;
  return {
    teamId: workspace.team.id,
    enterpriseId: null,
    botUserId: workspace.bot.userId,
    botId: workspace.bot.botId,
  };
}

export function newGroup(s: Sandbox, users: string[] = []): string {
  return s.fake.workspace.addUserGroup({ handle: `grp-${suffix()}`, users }).id;
}

/** A package in General granting membership of `groupId`, requestable by every member unless the policy says otherwise. */
export function newPackage(
  s: Sandbox,
  groupId: string,
  policy: PolicySettingsInput = {},
): Promise<MadePackage> {
  const name = `Portal ${suffix()}`;
  return makePackage(s.gatehouse.deps, {
    name,
    description: `Access for ${name}`,
    resourceRoles: [{ resource: { kind: 'slack_usergroup', externalId: groupId, name: `group ${name}` } }],
    policy: { ...OPEN_POLICY, ...policy },
  });
}

type Block = {
  type: string;
  block_id?: string;
  text?: { text: string };
  elements?: { action_id: string; value?: string }[];
};

export function blocksOf(view: { blocks?: unknown } | undefined): Block[] {
  return (view?.blocks ?? []) as Block[];
}

export function textOf(view: { blocks?: unknown } | undefined): string {
  return JSON.stringify(view?.blocks ?? []);
}

export function headersOf(view: { blocks?: unknown } | undefined): string[] {
  return blocksOf(view)
    .filter((b) => b.type === 'header')
    .map((b) => b.text!.text);
}

export function dateIn(days: number, from: Date): string {
  return new Date(from.getTime() + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * A click on a button of an ephemeral answer (the sandbox keeps those only as response_url
 * posts): the payload Slack sends, with a fresh response_url the app may answer through.
 */
export async function clickEphemeral(
  s: Sandbox,
  input: { userId: string; answer: { blocks?: unknown }; blockId: string; actionId: string },
): Promise<string> {
  const block = blocksOf(input.answer).find((b) => b.block_id === input.blockId) as
    | (Block & { accessory?: { action_id: string; value?: string } })
    | undefined;
  const button = [...(block?.elements ?? []), ...(block?.accessory ? [block.accessory] : [])].find(
    (e) => e.action_id === input.actionId,
  );
  if (!button) throw new Error(`No button "${input.actionId}" in block "${input.blockId}" of the answer.`);
  const dm = s.fake.workspace.openDm(input.userId).id;
  const responseUrl = s.fake.newResponseUrl({ userId: input.userId, channelId: dm });
  const body = blockActionsBody({
    app: s.fake.app,
    user: { id: input.userId, username: input.userId.toLowerCase() },
    triggerId: s.fake.issueTriggerId(input.userId),
    responseUrl,
    actions: [buttonAction({ actionId: input.actionId, blockId: input.blockId, value: button.value ?? '' })],
    container: { type: 'message', message_ts: '1.000001', channel_id: dm, is_ephemeral: true },
    channel: { id: dm, name: 'directmessage' },
  });
  const response = await s.send({ body, contentType: FORM_CONTENT_TYPE });
  if (response.status !== 200) throw new Error(`the app answered ${response.status}`);
  await s.idle();
  return responseUrl;
}
