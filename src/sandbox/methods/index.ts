import { chatPostEphemeral, chatPostMessage, chatUpdate } from './chat.js';
import type { MethodHandler } from './context.js';
import {
  conversationsHistory,
  conversationsInvite,
  conversationsKick,
  conversationsMembers,
  conversationsOpen,
} from './conversations.js';
import {
  usergroupsDisable,
  usergroupsEnable,
  usergroupsList,
  usergroupsUsersList,
  usergroupsUsersUpdate,
} from './usergroups.js';
import { authTest, usersInfo, usersList } from './users.js';
import { viewsOpen, viewsPublish, viewsPush, viewsUpdate } from './views.js';

export type { MethodContext, MethodHandler } from './context.js';

/** Every Web API method the sandbox answers; anything else is `unknown_method`. */
export const METHODS: Readonly<Record<string, MethodHandler>> = {
  'auth.test': authTest,
  'users.info': usersInfo,
  'users.list': usersList,
  'conversations.open': conversationsOpen,
  'conversations.invite': conversationsInvite,
  'conversations.kick': conversationsKick,
  'conversations.members': conversationsMembers,
  'conversations.history': conversationsHistory,
  'chat.postMessage': chatPostMessage,
  'chat.update': chatUpdate,
  'chat.postEphemeral': chatPostEphemeral,
  'views.open': viewsOpen,
  'views.push': viewsPush,
  'views.update': viewsUpdate,
  'views.publish': viewsPublish,
  'usergroups.list': usergroupsList,
  'usergroups.users.list': usergroupsUsersList,
  'usergroups.users.update': usergroupsUsersUpdate,
  'usergroups.enable': usergroupsEnable,
  'usergroups.disable': usergroupsDisable,
};
