import type { WebClient } from '@slack/web-api';
import { formatDate, userText } from '../../../../views/mrkdwn.js';
import { requestModal } from '../../../../views/requests/request-modal.js';
import { describeRequestState } from '../../../domain/states.js';
import { type RequestablePackage, requestablePackages } from '../../../services/catalog/catalog-queries.js';
import { myAssignments, myRequests } from '../../../services/requests/request-queries.js';
import type { SlackContext } from '../../context.js';

/** The package as this person may request it now (with its policies), or null. */
export async function findRequestable(
  ctx: SlackContext,
  userId: string,
  packageId: number,
): Promise<RequestablePackage | null> {
  const all = await requestablePackages(ctx.engine, { userId }, { userId });
  return all.find((entry) => entry.package.id === packageId) ?? null;
}

/**
 * Opens the request modal for a package the person may request. Before the form, the two
 * refusals a form can't fix: they already have it, or they already asked for it. Returns the
 * sentence to show instead, or null once the modal is open.
 */
export async function openRequestModal(
  ctx: SlackContext,
  client: WebClient,
  input: { userId: string; triggerId: string; entry: RequestablePackage },
): Promise<string | null> {
  const { entry, userId } = input;
  const blocker = await alreadyHasOrAsked(ctx, userId, entry.package.id);
  if (blocker) return blocker;
  await client.views.open({
    trigger_id: input.triggerId,
    view: requestModal({
      package: entry.package,
      policies: entry.policies,
      now: ctx.engine.clock.now(),
    }),
  });
  return null;
}

async function alreadyHasOrAsked(
  ctx: SlackContext,
  userId: string,
  packageId: number,
): Promise<string | null> {
  const [held, open] = await Promise.all([
    myAssignments(ctx.engine, userId),
    myRequests(ctx.engine, userId, { open: true }),
  ]);
  const assignment = held.find((a) => a.packageId === packageId);
  if (assignment) {
    const until = assignment.endsAt ? `, until ${formatDate(assignment.endsAt)}` : '';
    const extend = assignment.canExtend ? ' You can extend it with `/access extend`.' : '';
    return `You already have *${userText(assignment.packageName, 150)}*${until}.${extend}`;
  }
  const request = open.find((r) => r.packageId === packageId && r.type === 'user_add');
  if (request) {
    return `You already asked for *${userText(request.packageName, 150)}*: ${request.request} is ${describeRequestState(request.state)}. \`/access cancel ${request.request}\` withdraws it.`;
  }
  return null;
}
