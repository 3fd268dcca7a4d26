import { describe, expect, it } from 'vitest';
import { SANDBOX_BOT_TOKEN } from '../../src/sandbox/fake-slack.js';
import { WOODGROVE } from '../../src/sandbox/seeds.js';
import { clientFor, refusal, useFakeWorkspace } from './support.js';

const { fake, wall, client } = useFakeWorkspace();

describe('fake Slack: the Web API surface', () => {
  it('serves at http://127.0.0.1:PORT/api/ with the trailing slash', () => {
    expect(fake.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
  });

  it('answers auth.test as the bot, and refuses a wrong or missing token', async () => {
    await expect(client.auth.test()).resolves.toMatchObject({
      ok: true,
      team_id: 'T0WOODGROVE',
      user_id: fake.workspace.bot.userId,
      bot_id: fake.workspace.bot.botId,
    });
    expect((await refusal(clientFor(fake, {}, 'xoxb-wrong').auth.test())).error).toBe('invalid_auth');
    const noToken = await fetch(`${fake.apiUrl}auth.test`, { method: 'POST' });
    expect(noToken.status).toBe(200);
    expect(await noToken.json()).toEqual({ ok: false, error: 'not_authed' });
  });

  it('answers unknown_method for a method it does not know', async () => {
    expect((await refusal(client.apiCall('files.upload.shiny'))).error).toBe('unknown_method');
  });

  it('accepts JSON bodies with a bearer token as well as form bodies', async () => {
    const response = await fetch(`${fake.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json; charset=utf-8',
        Authorization: `Bearer ${SANDBOX_BOT_TOKEN}`,
      },
      body: JSON.stringify({ channel: WOODGROVE.requestor, text: 'hello', blocks: [{ type: 'divider' }] }),
    });
    expect(await response.json()).toMatchObject({ ok: true, channel: 'D0REQUESTOR1' });
    expect(fake.messagesTo(WOODGROVE.requestor)).toMatchObject([
      { text: 'hello', blocks: [{ type: 'divider' }] },
    ]);
  });

  it('logs every call with its arguments (no token), time and outcome', async () => {
    await client.chat.postMessage({
      channel: WOODGROVE.requestor,
      text: 'hi',
      blocks: [{ type: 'divider' }],
    });
    await refusal(client.conversations.open({ users: 'U0NOBODY' }));
    expect(fake.calls).toEqual([
      {
        method: 'chat.postMessage',
        args: { channel: WOODGROVE.requestor, text: 'hi', blocks: [{ type: 'divider' }] },
        at: wall.now(),
        status: 200,
        ok: true,
      },
      {
        method: 'conversations.open',
        args: { users: 'U0NOBODY' },
        at: wall.now(),
        status: 200,
        ok: false,
        error: 'user_not_found',
      },
    ]);
  });

  it('gives one stable DM id per user from conversations.open', async () => {
    const first = await client.conversations.open({ users: WOODGROVE.requestor });
    const second = await client.conversations.open({ users: WOODGROVE.requestor });
    const other = await client.conversations.open({ users: WOODGROVE.admin });
    expect(first.channel?.id).toMatch(/^D/);
    expect(second.channel?.id).toBe(first.channel?.id);
    expect(other.channel?.id).not.toBe(first.channel?.id);
    expect((await refusal(client.conversations.open({ users: WOODGROVE.leaver }))).error).toBe(
      'user_disabled',
    );
  });

  it('posts DMs, records them per user, and keeps every chat.update', async () => {
    const dm = (await client.conversations.open({ users: WOODGROVE.approver })).channel?.id as string;
    const posted = await client.chat.postMessage({ channel: dm, text: 'R-1001 waits for you' });
    wall.advanceSeconds(60);
    await client.chat.update({ channel: dm, ts: posted.ts as string, text: 'R-1001 approved by Admin1' });

    const [message] = fake.messagesTo(WOODGROVE.approver);
    expect(message).toMatchObject({ channel: dm, ts: posted.ts, text: 'R-1001 approved by Admin1' });
    expect(message?.updates).toEqual([{ at: wall.now(), text: 'R-1001 approved by Admin1', blocks: [] }]);
    expect((await refusal(client.chat.update({ channel: dm, ts: '1.000001', text: 'x' }))).error).toBe(
      'message_not_found',
    );
  });

  it('gives every message a distinct ts even when the clock stands still', async () => {
    const a = await client.chat.postMessage({ channel: WOODGROVE.admin, text: 'a' });
    const b = await client.chat.postMessage({ channel: WOODGROVE.admin, text: 'b' });
    expect(Number(b.ts)).toBeGreaterThan(Number(a.ts));
  });

  it('posts in channels only where the bot is a member', async () => {
    await expect(client.chat.postMessage({ channel: WOODGROVE.general, text: 'hi' })).resolves.toMatchObject({
      ok: true,
    });
    expect(
      (await refusal(client.chat.postMessage({ channel: WOODGROVE.botlessChannel, text: 'hi' }))).error,
    ).toBe('not_in_channel');
    expect((await refusal(client.chat.postMessage({ channel: 'C0NOWHERE', text: 'hi' }))).error).toBe(
      'channel_not_found',
    );
    expect((await refusal(client.apiCall('chat.postMessage', { channel: WOODGROVE.general }))).error).toBe(
      'no_text',
    );
  });

  it('refuses chat.postEphemeral where the bot is not, and accepts it in DMs', async () => {
    const botless = await refusal(
      client.chat.postEphemeral({ channel: WOODGROVE.botlessChannel, user: WOODGROVE.requestor, text: 'x' }),
    );
    expect(botless.error).toBe('not_in_channel');
    const hidden = await refusal(
      client.chat.postEphemeral({ channel: 'C0SECRETX', user: WOODGROVE.admin, text: 'x' }),
    );
    expect(hidden.error).toBe('channel_not_found');
    const notMember = await refusal(
      client.chat.postEphemeral({ channel: WOODGROVE.campaignChannel, user: WOODGROVE.requestor, text: 'x' }),
    );
    expect(notMember.error).toBe('user_not_in_channel');

    const dm = (await client.conversations.open({ users: WOODGROVE.requestor })).channel?.id as string;
    await expect(
      client.chat.postEphemeral({ channel: dm, user: WOODGROVE.requestor, text: 'Only you can see this' }),
    ).resolves.toMatchObject({ ok: true });
    expect(fake.ephemeralsTo(WOODGROVE.requestor)).toMatchObject([
      { channel: dm, text: 'Only you can see this' },
    ]);
  });

  it('answers users.info and pages users.list with cursors', async () => {
    const info = await client.users.info({ user: WOODGROVE.guest });
    expect(info.user).toMatchObject({
      id: WOODGROVE.guest,
      is_restricted: true,
      profile: { email: 'guest1@woodgrove.example' },
    });
    expect((await refusal(client.users.info({ user: 'U0NOBODY' }))).error).toBe('user_not_found');

    const ids: string[] = [];
    for await (const page of client.paginate('users.list', { limit: 3 })) {
      ids.push(...((page as { members?: Array<{ id: string }> }).members ?? []).map((member) => member.id));
    }
    expect(ids).toHaveLength(fake.workspace.users.size);
    expect(new Set(ids)).toEqual(new Set(fake.workspace.users.keys()));
    expect(fake.callsTo('users.list').length).toBe(Math.ceil(fake.workspace.users.size / 3));
  });

  describe('user groups', () => {
    it('replaces the whole member list on usergroups.users.update', async () => {
      await client.usergroups.users.update({
        usergroup: WOODGROVE.marketingGroup,
        users: WOODGROVE.requestor,
      });
      await client.usergroups.users.update({
        usergroup: WOODGROVE.marketingGroup,
        users: `${WOODGROVE.admin},${WOODGROVE.approver}`,
      });
      expect(fake.groupMembers(WOODGROVE.marketingGroup)).toEqual([WOODGROVE.admin, WOODGROVE.approver]);
      const listed = await client.usergroups.users.list({ usergroup: WOODGROVE.marketingGroup });
      expect(listed.users).toEqual([WOODGROVE.admin, WOODGROVE.approver]);
    });

    it('refuses an empty list with no_users_provided and keeps the members', async () => {
      await client.usergroups.users.update({
        usergroup: WOODGROVE.marketingGroup,
        users: WOODGROVE.requestor,
      });
      const refused = await refusal(
        client.usergroups.users.update({ usergroup: WOODGROVE.marketingGroup, users: '' }),
      );
      expect(refused.error).toBe('no_users_provided');
      expect(fake.groupMembers(WOODGROVE.marketingGroup)).toEqual([WOODGROVE.requestor]);
      expect(
        (await refusal(client.usergroups.users.update({ usergroup: 'S0NONE', users: WOODGROVE.admin })))
          .error,
      ).toBe('no_such_subteam');
    });

    it('disables and enables a group; a disabled group is listed only on request', async () => {
      await client.usergroups.disable({ usergroup: WOODGROVE.marketingGroup });
      expect(fake.group(WOODGROVE.marketingGroup).disabled).toBe(true);
      expect((await client.usergroups.list({})).usergroups).toEqual([]);
      const all = await client.usergroups.list({ include_disabled: true, include_users: true });
      expect(all.usergroups).toMatchObject([{ id: WOODGROVE.marketingGroup, users: [] }]);
      expect(all.usergroups?.[0]?.date_delete).not.toBe(0);

      await client.usergroups.enable({ usergroup: WOODGROVE.marketingGroup });
      expect(fake.group(WOODGROVE.marketingGroup).disabled).toBe(false);
      expect((await client.usergroups.list({})).usergroups).toMatchObject([
        { handle: 'marketing-resources' },
      ]);
    });
  });

  describe('channels', () => {
    it('invites, refuses already_in_channel, kicks, and refuses kicking a non-member', async () => {
      await client.conversations.invite({ channel: WOODGROVE.campaignChannel, users: WOODGROVE.requestor });
      expect(fake.channelMembers(WOODGROVE.campaignChannel)).toContain(WOODGROVE.requestor);
      const again = await refusal(
        client.conversations.invite({ channel: WOODGROVE.campaignChannel, users: WOODGROVE.requestor }),
      );
      expect(again.error).toBe('already_in_channel');

      await client.conversations.kick({ channel: WOODGROVE.campaignChannel, user: WOODGROVE.requestor });
      expect(fake.channelMembers(WOODGROVE.campaignChannel)).not.toContain(WOODGROVE.requestor);
      const kickedTwice = await refusal(
        client.conversations.kick({ channel: WOODGROVE.campaignChannel, user: WOODGROVE.requestor }),
      );
      expect(kickedTwice.error).toBe('not_in_channel');
    });

    it('refuses to invite into a channel the bot is not in', async () => {
      const refused = await refusal(
        client.conversations.invite({ channel: WOODGROVE.botlessChannel, users: WOODGROVE.partner }),
      );
      expect(refused.error).toBe('not_in_channel');
      expect(fake.channelMembers(WOODGROVE.botlessChannel)).not.toContain(WOODGROVE.partner);
    });

    it('lists channel members, and refuses kicking from #general', async () => {
      const members = await client.conversations.members({ channel: WOODGROVE.privateChannel });
      expect(members.members).toEqual([WOODGROVE.admin, fake.workspace.bot.userId]);
      const general = await refusal(
        client.conversations.kick({ channel: WOODGROVE.general, user: WOODGROVE.guest }),
      );
      expect(general.error).toBe('cant_kick_from_general');
    });
  });

  it('reset() restores the seeded workspace and forgets everything recorded', async () => {
    await client.usergroups.users.update({ usergroup: WOODGROVE.marketingGroup, users: WOODGROVE.admin });
    await client.chat.postMessage({ channel: WOODGROVE.admin, text: 'hi' });
    fake.reset();
    expect(fake.groupMembers(WOODGROVE.marketingGroup)).toEqual([]);
    expect(fake.messagesTo(WOODGROVE.admin)).toEqual([]);
    expect(fake.calls).toEqual([]);
  });
});
