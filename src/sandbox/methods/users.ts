import { requireString } from '../api-error.js';
import type { FakeUser, Workspace } from '../workspace.js';
import type { MethodHandler } from './context.js';
import { paginate } from './context.js';

export function userJson(workspace: Workspace, user: FakeUser): Record<string, unknown> {
  const json: Record<string, unknown> = {
    id: user.id,
    team_id: user.team_id ?? workspace.team.id,
    name: user.name,
    deleted: user.deleted,
    real_name: user.real_name,
    tz: user.tz,
    is_admin: user.is_admin,
    is_owner: false,
    is_primary_owner: false,
    is_restricted: user.is_restricted,
    is_ultra_restricted: user.is_ultra_restricted,
    is_bot: user.is_bot,
    is_app_user: false,
    updated: 0,
    profile: {
      real_name: user.real_name,
      display_name: user.name,
      ...(user.is_bot ? {} : { email: user.email }),
      team: user.team_id ?? workspace.team.id,
    },
  };
  if (user.enterprise_id) json.enterprise_user = { enterprise_id: user.enterprise_id, id: user.id };
  if (user.is_stranger) json.is_stranger = true;
  if (user.is_bot && user.id === workspace.bot.userId)
    json.profile = { ...(json.profile as object), bot_id: workspace.bot.botId };
  return json;
}

export const authTest: MethodHandler = ({ workspace }) => ({
  url: `https://${workspace.team.domain}.slack.com/`,
  team: workspace.team.name,
  user: workspace.bot.name,
  team_id: workspace.team.id,
  user_id: workspace.bot.userId,
  bot_id: workspace.bot.botId,
  is_enterprise_install: false,
});

export const usersInfo: MethodHandler = ({ workspace, args }) => ({
  user: userJson(workspace, workspace.user(requireString(args, 'user', 'user_not_found'))),
});

export const usersList: MethodHandler = ({ workspace, args }) => {
  const { page, nextCursor } = paginate([...workspace.users.values()], args);
  return {
    members: page.map((user) => userJson(workspace, user)),
    cache_ts: 0,
    response_metadata: { next_cursor: nextCursor },
  };
};
