import type { WorkspaceSeed } from './workspace.js';

/** Stable ids of the Woodgrove Bank workspace, so tests and the demo can name people. */
export const WOODGROVE = {
  admin: 'U0ADMIN1',
  requestor: 'U0REQUESTOR1',
  approver: 'U0APPROVER1',
  guest: 'U0GUEST1',
  partner: 'U0PARTNER1',
  leaver: 'U0LEAVER1',
  otherBot: 'U0OTHERBOT',
  marketingGroup: 'S0MARKETING',
  general: 'C0GENERAL',
  campaignChannel: 'C0CAMPAIGN',
  privateChannel: 'C0PRIVATE',
  botlessChannel: 'C0RANDOM',
} as const;

/**
 * The tutorial's directory in Slack terms: Admin1, Requestor1, the empty "Marketing resources"
 * user group, plus the people "every member of the workspace" must leave out (a guest, a Slack
 * Connect partner, a deactivated user, a bot) and channels with and without the bot.
 */
export function woodgroveSeed(): WorkspaceSeed {
  const everyone = [WOODGROVE.admin, WOODGROVE.requestor, WOODGROVE.approver, WOODGROVE.guest];
  return {
    team: { id: 'T0WOODGROVE', domain: 'woodgrove', name: 'Woodgrove Bank' },
    users: [
      { id: WOODGROVE.admin, name: 'admin1', real_name: 'Admin1', is_admin: true },
      { id: WOODGROVE.requestor, name: 'requestor1', real_name: 'Requestor1' },
      { id: WOODGROVE.approver, name: 'approver1', real_name: 'Approver1' },
      { id: WOODGROVE.guest, name: 'guest1', real_name: 'Guest1', is_restricted: true },
      { id: WOODGROVE.partner, name: 'partner1', real_name: 'Partner1', is_stranger: true },
      { id: WOODGROVE.leaver, name: 'leaver1', real_name: 'Leaver1', deleted: true },
      { id: WOODGROVE.otherBot, name: 'otherbot', real_name: 'Other Bot', is_bot: true },
    ],
    userGroups: [
      {
        id: WOODGROVE.marketingGroup,
        handle: 'marketing-resources',
        name: 'Marketing resources',
        description: 'Target resource for the Marketing Campaign access package',
        users: [],
      },
    ],
    channels: [
      { id: WOODGROVE.general, name: 'general', is_general: true, members: everyone, botIsMember: true },
      {
        id: WOODGROVE.campaignChannel,
        name: 'marketing-campaign',
        members: [WOODGROVE.admin],
        botIsMember: true,
      },
      {
        id: WOODGROVE.privateChannel,
        name: 'campaign-budget',
        is_private: true,
        members: [WOODGROVE.admin],
        botIsMember: true,
      },
      { id: WOODGROVE.botlessChannel, name: 'random', members: everyone },
    ],
  };
}
