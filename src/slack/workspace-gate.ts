import { externalRequestorsAllowed } from '../services/catalog/catalog-queries.js';
import type { SlackContext } from './context.js';
import { isOwnWorkspace } from './installation.js';

export const FOREIGN_WORKSPACE_REPLY =
  "Gatehouse serves the people of the workspace it is installed in. You're using Slack from another organisation, and no access package here is open to people from outside. Ask the person who shared this channel with you.";

/**
 * Commands carrying another workspace's team (or another Grid org's enterprise) come from
 * someone outside: refused unless some policy explicitly lets Slack Connect users request; then
 * eligibility decides package by package (users.info has them as external).
 */
export async function refuseForeignWorkspace(
  ctx: SlackContext,
  origin: { teamId: string | undefined; enterpriseId: string | undefined },
): Promise<string | null> {
  const own = isOwnWorkspace(ctx.installation(), origin);
  // Not known yet (auth.test has not answered): unknown people count as guests meanwhile.
  if (own !== false) return null;
  return (await externalRequestorsAllowed(ctx.engine)) ? null : FOREIGN_WORKSPACE_REPLY;
}
