import type { App } from '@slack/bolt';
import type { SlackContext } from '../../context.js';
import * as subteamMembersChanged from './subteam-members-changed.js';
import * as userChange from './user-change.js';

/** Directory events: who people are (user_change) and who is in which user group. */
export function register(app: App, ctx: SlackContext): void {
  userChange.register(app, ctx);
  subteamMembersChanged.register(app, ctx);
}
