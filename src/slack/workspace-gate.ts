import { GatehouseError } from '../domain/errors.js';
import { externalRequestorsAllowed } from '../services/catalog/catalog-queries.js';
import type { SlackContext } from './context.js';
import { isOwnWorkspace } from './installation.js';

export const FOREIGN_WORKSPACE_REPLY =
  "Gatehouse serves the people of the workspace it is installed in. You're using Slack from another organisation, and no access package here is open to people from outside. Ask the person who shared this channel with you.";

/**
 * Commands carrying another workspace's team (or another Grid org's enterprise) come from
 * someone outside: refused (`workspace.foreign`) unless some policy explicitly lets Slack Connect
 * users request; then eligibility decides package by package (users.info has them as external).
 */
export async function refuseForeignWorkspace(
  ctx: SlackContext,
  origin: { teamId: string | undefined; enterpriseId: string | undefined },
): Promise<void> {
  const own = isOwnWorkspace(ctx.installation(), origin);
  // Not known yet (auth.test has not answered): unknown people count as guests meanwhile.
  if (own !== false) return;
  if (await externalRequestorsAllowed(ctx.engine)) return;
  ctx.log.info(
    { team: origin.teamId, enterprise: origin.enterpriseId },
    'command from another workspace refused',
  );
  throw new GatehouseError('workspace.foreign', FOREIGN_WORKSPACE_REPLY, {
    teamId: origin.teamId ?? null,
    enterpriseId: origin.enterpriseId ?? null,
  });
}
