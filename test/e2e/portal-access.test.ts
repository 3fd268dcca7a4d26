import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../../src/db/schema.js';
import type { PolicySettingsInput } from '../../src/domain/policy.js';
import { appHomeOpenedEvent } from '../../src/sandbox/event-payloads.js';
import { WOODGROVE } from '../../src/sandbox/seeds.js';
import { assignDirect } from '../../src/services/requests/assignments.js';
import { myAssignments, myRequests } from '../../src/services/requests/request-queries.js';
import { submitRequest } from '../../src/services/requests/requests.js';
import { ACTION, CALLBACK } from '../../views/ids.js';
import { databaseLabel } from '../support/db.js';
import { type Sandbox, startSandbox } from '../support/sandbox.js';
import { HOME_SECTIONS } from '../support/views.js';
import {
  blocksOf,
  clickEphemeral,
  headersOf,
  knownPerson,
  newGroup,
  newPackage,
  newPerson,
  openHome,
  textOf,
} from './portal-support.js';

const EXTENDABLE = {
  extension: { allowed: true, requiresApproval: false, maxCount: 2, windowFraction: 0.5 },
};

/** Extended any time, with a justification, once Approver1 approves. */
const EXTENDED_BY_APPROVAL: PolicySettingsInput = {
  justificationRequired: true,
  approvalStages: [{ approverUserIds: [WOODGROVE.approver] }],
  extension: { allowed: true, requiresApproval: true, maxCount: 1, windowFraction: 0 },
};

describe(`My Access: /access my, history, extend, I'm done, the Home tab (${databaseLabel})`, () => {
  let s: Sandbox;
  beforeAll(async () => {
    s = await startSandbox();
    await knownPerson(s, WOODGROVE.admin);
  });
  afterAll(() => s.close());

  /** A person holding a fresh package (requested and delivered); the admin holds it too, so the group never empties. */
  async function holder(policy: PolicySettingsInput = EXTENDABLE, via: 'request' | 'assign' = 'request') {
    const userId = await newPerson(s);
    const groupId = newGroup(s);
    const pkg = await newPackage(s, groupId, policy);
    const deps = s.gatehouse.deps;
    await assignDirect(deps, { userId: WOODGROVE.admin }, { userId: WOODGROVE.admin, packageId: pkg.id });
    const request =
      via === 'request'
        ? await submitRequest(deps, { userId }, { packageId: pkg.id })
        : await assignDirect(deps, { userId: WOODGROVE.admin }, { userId, packageId: pkg.id });
    await s.idle();
    expect(s.fake.groupMembers(groupId).sort()).toEqual([WOODGROVE.admin, userId].sort());
    const [held] = (await myAssignments(deps, userId)).filter((a) => a.packageId === pkg.id);
    return { userId, groupId, pkg, request: request.request, assignment: held! };
  }

  /** Presses a button of the holder's row in a view (the Home tab) that shows their assignment. */
  function pressOnHeld(h: Awaited<ReturnType<typeof holder>>, viewId: string, actionId: string) {
    return s.click({
      userId: h.userId,
      viewId,
      blockId: `assignment_${h.assignment.assignmentId}`,
      actionId,
    });
  }

  it('/access my shows the package with its end date, I’m done, and no Extend before the window', async () => {
    const h = await holder();
    const { status, replies } = await s.command(h.userId, 'my');
    expect(status).toBe(200);
    expect(replies).toHaveLength(1);
    const text = textOf(replies[0]);
    const end = h.assignment.endsAt!.toISOString().slice(0, 10);
    expect(text).toContain(`*${h.pkg.name}* — until ${end}`);
    const buttons = blocksOf(replies[0]).find(
      (b) => b.block_id === `assignment_${h.assignment.assignmentId}`,
    )!;
    expect(buttons.elements!.map((e) => e.action_id)).toEqual([ACTION.doneWithAssignment]);
  });

  it('/access extend too early is refused with the engine’s sentence; nothing changes', async () => {
    const h = await holder();
    const { replies } = await s.command(h.userId, `extend ${h.pkg.name.toLowerCase()}`);
    expect(replies[0]!.text).toMatch(
      new RegExp(`It's too early to extend ${h.pkg.name}: you can ask from \\d{4}-\\d{2}-\\d{2} on\\.`),
    );
    const [after] = await myAssignments(s.gatehouse.deps, h.userId);
    expect(after!.endsAt).toEqual(h.assignment.endsAt);
    const unknown = await s.command(h.userId, 'extend Nothing Like It');
    expect(unknown.replies[0]!.text).toContain(
      `You don't have a package called Nothing Like It. You have ${h.pkg.name}.`,
    );
  });

  it('app_home_opened publishes the portal with its sections, once per change', async () => {
    const h = await holder();
    const publishes = () => s.fake.callsTo('views.publish').filter((c) => c.args.user_id === h.userId).length;
    const home = await openHome(s, h.userId);
    expect(headersOf(home)).toEqual(HOME_SECTIONS);
    expect(textOf(home)).toContain(
      `*${h.pkg.name}* — until ${h.assignment.endsAt!.toISOString().slice(0, 10)}`,
    );
    expect(publishes()).toBe(1);
    await openHome(s, h.userId);
    expect(publishes()).toBe(1);
    await s.event(appHomeOpenedEvent({ user: h.userId, channel: 'D0X', tab: 'messages' }));
    expect(publishes()).toBe(1);
    const admin = await openHome(s, WOODGROVE.admin);
    expect(headersOf(admin)).toContain('Packages I manage');
    expect(
      blocksOf(admin)
        .find((b) => b.block_id === `manage_${h.pkg.id}`)!
        .elements!.map((e) => e.action_id),
    ).toEqual([ACTION.showPackageRequests, ACTION.showPackageAssignments]);
  });

  it('Extend on the Home tab inside the window extends the same assignment and shows the new end', async () => {
    const h = await holder();
    await s.advance(16 * 86_400);
    const home = await openHome(s, h.userId);
    const blockId = `assignment_${h.assignment.assignmentId}`;
    expect(
      blocksOf(home)
        .find((b) => b.block_id === blockId)!
        .elements!.map((e) => e.action_id),
    ).toEqual([ACTION.extendAssignment, ACTION.doneWithAssignment]);
    await s.click({ userId: h.userId, viewId: home.id, blockId, actionId: ACTION.extendAssignment });
    const newEnd = new Date(h.assignment.endsAt!.getTime() + 30 * 86_400_000).toISOString().slice(0, 10);
    const [after] = (await myAssignments(s.gatehouse.deps, h.userId)).filter((a) => a.packageId === h.pkg.id);
    expect(after).toMatchObject({ assignmentId: h.assignment.assignmentId, extensionCount: 1 });
    expect(after!.endsAt!.toISOString().slice(0, 10)).toBe(newEnd);
    const refreshed = s.fake.homeView(h.userId);
    expect(blocksOf(refreshed).find((b) => b.block_id === 'notice')!.text!.text).toBe(
      `:white_check_mark: Extended ${h.pkg.name}: your access now ends ${newEnd}.`,
    );
    expect(textOf(refreshed)).toContain(`*${h.pkg.name}* — until ${newEnd}`);
    // The DM itself may wait for Slack's one-message-a-second limit on the person's DM: the outbox has it.
    const told = await s.gatehouse.deps.database.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.recipient, h.userId), eq(outbox.kind, 'access_extended')));
    expect(told.map((r) => r.data.endsAt)).toEqual([after!.endsAt!.toISOString()]);
  });

  it("I'm done removes the access, the group loses the member, and history says Delivered then Removed", async () => {
    const h = await holder();
    const before = await s.command(h.userId, 'history');
    expect(textOf(before.replies[0])).toContain(`*Delivered* · ${h.request} · *${h.pkg.name}*`);

    const home = await openHome(s, h.userId);
    await pressOnHeld(h, home.id, ACTION.doneWithAssignment);

    expect(await myAssignments(s.gatehouse.deps, h.userId)).toEqual([]);
    expect(s.fake.groupMembers(h.groupId)).toEqual([WOODGROVE.admin]);
    const refreshed = s.fake.homeView(h.userId);
    expect(blocksOf(refreshed).find((b) => b.block_id === 'notice')!.text!.text).toMatch(
      new RegExp(`^:white_check_mark: Done: your access to ${h.pkg.name} was removed \\(R-\\d+\\)`),
    );
    expect(textOf(refreshed)).toContain("You don't have any access packages yet.");
    const after = await s.command(h.userId, 'history');
    const text = textOf(after.replies[0]);
    expect(text).toContain(`*Removed* · ${h.request} · *${h.pkg.name}*`);
    expect(text).not.toContain(`*Delivered* · ${h.request}`);
    expect(text).toContain('You gave it up');
  });

  it("a second click on a stale I'm done gets the engine's refusal on the Home tab", async () => {
    const h = await holder();
    const home = await openHome(s, h.userId);
    const click = {
      userId: h.userId,
      viewId: home.id,
      blockId: `assignment_${h.assignment.assignmentId}`,
      actionId: ACTION.doneWithAssignment,
    };
    await s.click(click);
    // The old view still has the button: Slack would send the click from it.
    s.fake.workspace.views.get(home.id)!.view.blocks = home.blocks;
    await s.click(click);
    expect(blocksOf(s.fake.homeView(h.userId)).find((b) => b.block_id === 'notice')!.text!.text).toBe(
      ":no_entry: You don't have that access.",
    );
  });

  it('an extension needing approval asks for the justification in a modal, then goes to the approvers', async () => {
    await knownPerson(s, WOODGROVE.approver);
    const h = await holder(EXTENDED_BY_APPROVAL, 'assign');
    const home = await openHome(s, h.userId);
    await pressOnHeld(h, home.id, ACTION.extendAssignment);
    const modal = s.fake.openModal(h.userId);
    expect(modal?.callback_id).toBe(CALLBACK.extendJustification);
    expect(textOf(modal)).toContain(`Extending *${h.pkg.name}* needs approval`);

    const empty = await s.submit({ userId: h.userId, answers: { justification: '' } });
    expect(empty.ack).toEqual({
      response_action: 'errors',
      errors: { justification: `Say why you need ${h.pkg.name}: a business justification is required.` },
    });
    expect(await myRequests(s.gatehouse.deps, h.userId, { open: true })).toEqual([]);

    const sent = await s.submit({
      userId: h.userId,
      answers: { justification: 'The Q3 campaign runs late' },
    });
    expect(sent.ack).toBeNull();
    expect(s.fake.openModal(h.userId)).toBeUndefined();
    const [open] = await myRequests(s.gatehouse.deps, h.userId, { open: true });
    expect(open).toMatchObject({
      type: 'user_extend',
      state: 'pending_approval',
      justification: 'The Q3 campaign runs late',
    });
    expect(blocksOf(s.fake.homeView(h.userId)).find((b) => b.block_id === 'notice')!.text!.text).toBe(
      `:white_check_mark: Your request to extend ${h.pkg.name} (${open!.request}) went to the approvers. You'll get a message when it is decided; your access stays as it is until then.`,
    );
    expect(
      blocksOf(s.fake.homeView(h.userId)).find((b) => b.block_id === `open_request_${open!.requestId}`),
    ).toBeDefined();
  });

  it('/access extend <package> <why> sends the extension to the approvers in one line', async () => {
    await knownPerson(s, WOODGROVE.approver);
    const h = await holder(EXTENDED_BY_APPROVAL, 'assign');
    const { replies } = await s.command(h.userId, `extend ${h.pkg.name} because the audit needs it`);
    const [open] = await myRequests(s.gatehouse.deps, h.userId, { open: true });
    expect(open).toMatchObject({ type: 'user_extend', justification: 'because the audit needs it' });
    expect(replies[0]!.text).toBe(
      `:white_check_mark: Your request to extend ${h.pkg.name} (${open!.request}) went to the approvers. You'll get a message when it is decided; your access stays as it is until then.`,
    );
  });

  it("I'm done on the /access my answer replaces that answer with the refreshed list", async () => {
    const h = await holder();
    const { replies } = await s.command(h.userId, 'my');
    const url = await clickEphemeral(s, {
      userId: h.userId,
      answer: replies[0]!,
      blockId: `assignment_${h.assignment.assignmentId}`,
      actionId: ACTION.doneWithAssignment,
    });
    expect(await myAssignments(s.gatehouse.deps, h.userId)).toEqual([]);
    const [answer] = s.fake
      .responses(url)
      .map((r) => r.body as { replace_original?: boolean; blocks?: unknown });
    expect(answer).toMatchObject({ replace_original: true, response_type: 'ephemeral' });
    expect(blocksOf(answer).find((b) => b.block_id === 'notice')!.text!.text).toContain(
      `Done: your access to ${h.pkg.name} was removed`,
    );
    expect(textOf(answer)).toContain("You don't have any access packages.");
  });
});
