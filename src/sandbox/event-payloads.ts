import type { AppHomeOpenedEvent } from '@slack/types';

/**
 * The `event` of an Events API delivery, as Slack sends it, for FakeSlack.event and the
 * listener tests alike; everything a test does not care about has Slack's usual value.
 */

/** The person opened the app's Home tab (or, with `tab: 'messages'`, its Messages tab). */
export function appHomeOpenedEvent(input: {
  user: string;
  channel?: string;
  tab?: 'home' | 'messages';
  eventTs?: string;
}): AppHomeOpenedEvent {
  return {
    type: 'app_home_opened',
    user: input.user,
    channel: input.channel ?? `D${input.user.slice(1)}`,
    tab: input.tab ?? 'home',
    event_ts: input.eventTs ?? '1.0',
  };
}
