import { booleanArg, listArg, requireString, SlackApiError } from '../api-error.js';
import type { FakeUserGroup, Workspace } from '../workspace.js';
import type { MethodHandler } from './context.js';

export function userGroupJson(
  workspace: Workspace,
  group: FakeUserGroup,
  includeUsers = true,
): Record<string, unknown> {
  return {
    id: group.id,
    team_id: workspace.team.id,
    is_usergroup: true,
    is_subteam: true,
    name: group.name,
    description: group.description,
    handle: group.handle,
    is_external: false,
    date_create: 0,
    date_update: 0,
    date_delete: group.disabled ? 1 : 0,
    auto_type: null,
    created_by: workspace.bot.userId,
    updated_by: workspace.bot.userId,
    deleted_by: null,
    prefs: { channels: [], groups: [] },
    user_count: group.users.length,
    ...(includeUsers ? { users: [...group.users] } : {}),
  };
}

export const usergroupsList: MethodHandler = ({ workspace, args }) => {
  const includeDisabled = booleanArg(args, 'include_disabled');
  const includeUsers = booleanArg(args, 'include_users');
  const groups = [...workspace.userGroups.values()].filter((group) => includeDisabled || !group.disabled);
  return { usergroups: groups.map((group) => userGroupJson(workspace, group, includeUsers)) };
};

export const usergroupsUsersList: MethodHandler = ({ workspace, args }) => {
  const group = workspace.userGroup(requireString(args, 'usergroup', 'no_such_subteam'));
  if (group.disabled && !booleanArg(args, 'include_disabled')) throw new SlackApiError('no_such_subteam');
  return { users: [...group.users] };
};

/** Replaces the whole member list: Slack has no add or remove of one member. */
export const usergroupsUsersUpdate: MethodHandler = ({ workspace, args }) => {
  const group = workspace.userGroup(requireString(args, 'usergroup', 'no_such_subteam'));
  const users = [...new Set(listArg(args, 'users'))];
  if (users.length === 0) throw new SlackApiError('no_users_provided');
  const unknown = users.filter((id) => !workspace.users.has(id));
  if (unknown.length) {
    throw SlackApiError.withMessages(
      'invalid_users',
      unknown.map((id) => `[ERROR] unknown user: ${id}`),
    );
  }
  group.users = users;
  return { usergroup: userGroupJson(workspace, group) };
};

export const usergroupsEnable: MethodHandler = ({ workspace, args }) => {
  const group = workspace.userGroup(requireString(args, 'usergroup', 'no_such_subteam'));
  group.disabled = false;
  return { usergroup: userGroupJson(workspace, group) };
};

export const usergroupsDisable: MethodHandler = ({ workspace, args }) => {
  const group = workspace.userGroup(requireString(args, 'usergroup', 'no_such_subteam'));
  group.disabled = true;
  return { usergroup: userGroupJson(workspace, group) };
};
