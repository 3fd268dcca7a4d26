import type { WebClient } from '@slack/web-api';
import { formatDate } from '../../../views/mrkdwn.js';
import { requestModal } from '../../../views/requests/request-modal.js';
import { GatehouseError, named, sentence, typed } from '../../domain/errors.js';
import { describeRequestState } from '../../domain/states.js';
import { type RequestablePackage, requestablePackages } from '../../services/catalog/catalog-queries.js';
import { type RequestStanding, requestStanding } from '../../services/requests/request-queries.js';
import type { SlackContext } from '../context.js';

/** The package as this person may request it now (with its policies), or null. */
export async function findRequestable(
  ctx: Pick<SlackContext, 'engine'>,
  userId: string,
  packageId: number,
): Promise<RequestablePackage | null> {
  const all = await requestablePackages(ctx.engine, { userId }, { userId });
  return all.find((entry) => entry.package.id === packageId) ?? null;
}

/**
 * Opens the request modal for a package the person may request (`/access request`, a Request
 * button), with the trigger of that command or click. Before the form, the two refusals a form
 * can't fix are thrown: they already have it, or they already asked for it — from `standing`
 * when the caller read it beside the package (`requestStanding`), else read here.
 */
export async function openRequestModal(
  ctx: Pick<SlackContext, 'engine'>,
  client: WebClient,
  input: { userId: string; triggerId: string; entry: RequestablePackage; standing?: RequestStanding },
): Promise<void> {
  const { entry, userId } = input;
  refuseIfHeldOrAsked(input.standing ?? (await requestStanding(ctx.engine, userId)), entry.package.id);
  await client.views.open({
    trigger_id: input.triggerId,
    view: requestModal({
      package: entry.package,
      policies: entry.policies,
      now: ctx.engine.clock.now(),
    }),
  });
}

function refuseIfHeldOrAsked(standing: RequestStanding, packageId: number): void {
  const assignment = standing.assignments.find((a) => a.packageId === packageId);
  if (assignment) {
    const until = assignment.endsAt ? `, until ${formatDate(assignment.endsAt)}` : '';
    throw new GatehouseError(
      'request.already_assigned',
      assignment.canExtend
        ? sentence`You already have ${named(assignment.packageName)}${until}. You can extend it with ${typed('/access extend')}.`
        : sentence`You already have ${named(assignment.packageName)}${until}.`,
      { packageId, assignmentId: assignment.assignmentId, endsAt: assignment.endsAt },
    );
  }
  const request = standing.openRequests.find((r) => r.packageId === packageId && r.type === 'user_add');
  if (request) {
    throw new GatehouseError(
      'request.already_open',
      sentence`You already asked for ${named(request.packageName)}: ${request.request} is ${describeRequestState(request.state)}. ${typed(`/access cancel ${request.request}`)} withdraws it.`,
      { packageId, requestId: request.requestId, state: request.state },
    );
  }
}
