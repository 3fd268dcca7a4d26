import type { ViewOutput } from '@slack/bolt';
import type { AnyBlock } from '@slack/types';
import { SlackApiError } from './api-error.js';

export interface FakeTeam {
  id: string;
  domain: string;
  name: string;
}

/** The installed app's own identity in the workspace. */
export interface FakeBot {
  userId: string;
  botId: string;
  appId: string;
  name: string;
}

export interface FakeUser {
  id: string;
  name: string;
  real_name: string;
  email: string;
  is_bot: boolean;
  is_admin: boolean;
  is_restricted: boolean;
  is_ultra_restricted: boolean;
  deleted: boolean;
  /** A Slack Connect user from another organisation. */
  is_stranger: boolean;
  /** The home workspace when it is not this one (a Slack Connect partner's), and its Grid org. */
  team_id?: string;
  enterprise_id?: string;
  tz: string;
}

export interface FakeUserGroup {
  id: string;
  handle: string;
  name: string;
  description: string;
  users: string[];
  disabled: boolean;
}

export interface FakeChannel {
  id: string;
  name: string;
  is_private: boolean;
  is_general: boolean;
  is_archived: boolean;
  /** Includes the bot's user id when the bot is a member. */
  members: string[];
}

export type UserSeed = Partial<FakeUser> & { name: string };
export type UserGroupSeed = Partial<FakeUserGroup> & { handle: string };
export type ChannelSeed = Partial<FakeChannel> & { name: string; botIsMember?: boolean };

export interface WorkspaceSeed {
  team?: Partial<FakeTeam>;
  bot?: Partial<FakeBot>;
  users?: UserSeed[];
  userGroups?: UserGroupSeed[];
  channels?: ChannelSeed[];
}

export interface MessageUpdate {
  at: Date;
  text: string;
  blocks: AnyBlock[];
}

export interface PostedMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: AnyBlock[];
  /** The bot user that posted it. */
  user: string;
  threadTs?: string;
  /** Message metadata as posted (chat.postMessage `metadata`); chat.update leaves it as it is. */
  metadata?: MessageMetadata;
  postedAt: Date;
  /** Every chat.update applied, oldest first; text and blocks above are the current ones. */
  updates: MessageUpdate[];
}

export interface MessageMetadata {
  event_type: string;
  event_payload: Record<string, unknown>;
}

export interface EphemeralMessage {
  channel: string;
  user: string;
  text: string;
  blocks: AnyBlock[];
  messageTs: string;
  at: Date;
}

export type ViewAction = 'open' | 'push' | 'update' | 'publish';

/** One views.* call that changed what a person sees; `view` is the view as it was then. */
export interface ViewEvent {
  action: ViewAction;
  userId: string;
  viewId: string;
  at: Date;
  view: ViewOutput;
}

export interface StoredView {
  userId: string;
  view: ViewOutput;
}

export const DEFAULT_TEAM: FakeTeam = {
  id: 'T0SANDBOX',
  domain: 'gatehouse-sandbox',
  name: 'Gatehouse Sandbox',
};
export const DEFAULT_BOT: FakeBot = {
  userId: 'U0GATEBOT',
  botId: 'B0GATEBOT',
  appId: 'A0GATEHOUSE',
  name: 'gatehouse',
};

/** The directory (users, user groups, channels) and everything the app has posted or shown. */
export class Workspace {
  readonly team: FakeTeam;
  readonly bot: FakeBot;
  readonly users = new Map<string, FakeUser>();
  readonly userGroups = new Map<string, FakeUserGroup>();
  readonly channels = new Map<string, FakeChannel>();
  /** userId → D… id, created by conversations.open or a post to a user id. */
  readonly dms = new Map<string, string>();
  readonly messages: PostedMessage[] = [];
  readonly ephemerals: EphemeralMessage[] = [];
  readonly viewEvents: ViewEvent[] = [];
  readonly views = new Map<string, StoredView>();
  /** userId → open modal stack, root first. */
  readonly modalStacks = new Map<string, string[]>();
  /** Modals that were closed or replaced: views.update on them answers not_found. */
  readonly closedViews = new Set<string>();
  /** userId → published Home tab view id. */
  readonly homeViews = new Map<string, string>();
  private sequence = 0;
  private lastTsMicros = 0;

  constructor(seed: WorkspaceSeed = {}) {
    this.team = { ...DEFAULT_TEAM, ...seed.team };
    this.bot = { ...DEFAULT_BOT, ...seed.bot };
    this.addUser({ id: this.bot.userId, name: this.bot.name, real_name: this.bot.name, is_bot: true });
    for (const user of seed.users ?? []) this.addUser(user);
    for (const group of seed.userGroups ?? []) this.addUserGroup(group);
    for (const channel of seed.channels ?? []) this.addChannel(channel);
  }

  nextId(prefix: string): string {
    this.sequence += 1;
    return `${prefix}0${this.sequence.toString(36).toUpperCase().padStart(6, '0')}`;
  }

  /** Message timestamps are unique and increasing even when the wall clock stands still. */
  nextTs(now: Date): string {
    this.lastTsMicros = Math.max(this.lastTsMicros + 1, now.getTime() * 1000);
    return (this.lastTsMicros / 1_000_000).toFixed(6);
  }

  addUser(seed: UserSeed): FakeUser {
    const id = seed.id ?? this.nextId('U');
    const user: FakeUser = {
      real_name: seed.name,
      email: `${seed.name}@${this.team.domain}.example`,
      is_bot: false,
      is_admin: false,
      is_restricted: false,
      is_ultra_restricted: false,
      deleted: false,
      is_stranger: false,
      tz: 'Europe/London',
      ...seed,
      id,
    };
    this.users.set(id, user);
    return user;
  }

  addUserGroup(seed: UserGroupSeed): FakeUserGroup {
    const id = seed.id ?? this.nextId('S');
    const group: FakeUserGroup = {
      name: seed.handle,
      description: '',
      disabled: false,
      ...seed,
      users: [...(seed.users ?? [])],
      id,
    };
    this.userGroups.set(id, group);
    return group;
  }

  addChannel(seed: ChannelSeed): FakeChannel {
    const { botIsMember, ...fields } = seed;
    const id = seed.id ?? this.nextId('C');
    const members = [...(seed.members ?? [])];
    if (botIsMember && !members.includes(this.bot.userId)) members.push(this.bot.userId);
    const channel: FakeChannel = {
      is_private: false,
      is_general: false,
      is_archived: false,
      ...fields,
      members,
      id,
    };
    this.channels.set(id, channel);
    return channel;
  }

  user(id: string): FakeUser {
    const user = this.users.get(id);
    if (!user) throw new SlackApiError('user_not_found');
    return user;
  }

  userGroup(id: string): FakeUserGroup {
    const group = this.userGroups.get(id);
    if (!group) throw new SlackApiError('no_such_subteam');
    return group;
  }

  /** A channel the bot can see: a private channel it is not in does not exist for it. */
  visibleChannel(id: string): FakeChannel {
    const channel = this.channels.get(id);
    if (!channel || (channel.is_private && !this.botIsMember(channel)))
      throw new SlackApiError('channel_not_found');
    return channel;
  }

  botIsMember(channel: FakeChannel): boolean {
    return channel.members.includes(this.bot.userId);
  }

  /** The stable D… id of the app's DM with a user. */
  openDm(userId: string): { id: string; alreadyOpen: boolean } {
    const existing = this.dms.get(userId);
    if (existing) return { id: existing, alreadyOpen: true };
    const id = this.dmIdFor(userId);
    this.dms.set(userId, id);
    return { id, alreadyOpen: false };
  }

  /** The DM's id whether or not it is open yet. */
  dmIdFor(userId: string): string {
    return this.dms.get(userId) ?? `D${userId.replace(/^[UW]/, '')}`;
  }

  dmOwner(dmId: string): string | undefined {
    for (const [userId, id] of this.dms) if (id === dmId) return userId;
    return undefined;
  }

  modalStack(userId: string): string[] {
    let stack = this.modalStacks.get(userId);
    if (!stack) {
      stack = [];
      this.modalStacks.set(userId, stack);
    }
    return stack;
  }
}
