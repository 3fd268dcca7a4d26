import { describe, expect, it } from 'vitest';
import { WOODGROVE } from '../../src/sandbox/seeds.js';
import { refusal, useFakeWorkspace } from './support.js';

const { fake, client } = useFakeWorkspace();

const metadata = (key: string) => ({ event_type: 'gatehouse_outbox', event_payload: { key } });

describe('fake Slack: message metadata and conversations.history', () => {
  it('keeps chat.postMessage metadata and refuses malformed metadata as Slack does', async () => {
    const posted = await client.chat.postMessage({
      channel: WOODGROVE.approver,
      text: 'R-1 waits for you',
      metadata: metadata('k1'),
    });
    expect(posted.message?.metadata).toEqual(metadata('k1'));
    expect(fake.messagesTo(WOODGROVE.approver)[0]!.metadata).toEqual(metadata('k1'));
    // chat.update leaves it as it was.
    await client.chat.update({ channel: posted.channel!, ts: posted.ts!, text: 'R-1 approved' });
    expect(fake.messagesTo(WOODGROVE.approver)[0]!.metadata).toEqual(metadata('k1'));

    const bad = (value: unknown) =>
      refusal(
        client.apiCall('chat.postMessage', { channel: WOODGROVE.approver, text: 'x', metadata: value }),
      );
    expect((await bad('{not json')).error).toBe('invalid_metadata_format');
    expect((await bad(JSON.stringify({ event_payload: {} }))).error).toBe('invalid_metadata_schema');
    expect((await bad(JSON.stringify({ event_type: 't', event_payload: 'x' }))).error).toBe(
      'invalid_metadata_schema',
    );
    expect(fake.messagesTo(WOODGROVE.approver)).toHaveLength(1);
  });

  it('answers a DM history newest first, a page at a time, with metadata only when asked for', async () => {
    for (let i = 1; i <= 5; i += 1) {
      await client.chat.postMessage({
        channel: WOODGROVE.approver,
        text: `m${i}`,
        metadata: metadata(`k${i}`),
      });
    }
    const dm = fake.workspace.dms.get(WOODGROVE.approver)!;

    const plain = await client.conversations.history({ channel: dm });
    expect(plain.messages?.map((m) => m.text)).toEqual(['m5', 'm4', 'm3', 'm2', 'm1']);
    expect(plain.messages?.some((m) => 'metadata' in m)).toBe(false);
    expect(plain.has_more).toBe(false);

    const first = await client.conversations.history({ channel: dm, limit: 2, include_all_metadata: true });
    const keyOf = (m: { metadata?: { event_payload?: object } }) =>
      (m.metadata?.event_payload as { key?: string } | undefined)?.key;
    expect(first.messages?.map((m) => [m.text, keyOf(m)])).toEqual([
      ['m5', 'k5'],
      ['m4', 'k4'],
    ]);
    expect(first.messages?.[0]).toMatchObject({ type: 'message', bot_id: fake.workspace.bot.botId });
    expect(first.has_more).toBe(true);
    const next = await client.conversations.history({
      channel: dm,
      limit: 2,
      cursor: first.response_metadata?.next_cursor ?? '',
    });
    expect(next.messages?.map((m) => m.text)).toEqual(['m3', 'm2']);

    const [m1, m2, m3] = fake.messagesTo(WOODGROVE.approver);
    const between = await client.conversations.history({ channel: dm, oldest: m1!.ts, latest: m3!.ts });
    expect(between.messages?.map((m) => m.ts)).toEqual([m2!.ts]);
    const inclusive = await client.conversations.history({
      channel: dm,
      oldest: m1!.ts,
      latest: m3!.ts,
      inclusive: true,
    });
    expect(inclusive.messages?.map((m) => m.text)).toEqual(['m3', 'm2', 'm1']);
  });

  it('reads only conversations the bot is in', async () => {
    expect((await refusal(client.conversations.history({ channel: 'D0NOBODY' }))).error).toBe(
      'channel_not_found',
    );
    expect((await refusal(client.conversations.history({ channel: WOODGROVE.botlessChannel }))).error).toBe(
      'not_in_channel',
    );
    await client.chat.postMessage({ channel: WOODGROVE.general, text: 'hello' });
    const general = await client.conversations.history({ channel: WOODGROVE.general });
    expect(general.messages?.map((m) => m.text)).toEqual(['hello']);
  });
});
