import type { WebClient } from '@slack/web-api';
import { GatehouseError } from '../../domain/errors.js';
import type { SlackContext } from '../context.js';
import type { UsergroupDirectory } from './usergroups.js';
import { openPackageWizard } from './wizard/open.js';

/**
 * Opens the package wizard (`/access package new|edit`, the Home tab's button), or throws the
 * refusal when it can't open for this person or package, so the caller's error boundary shows
 * it like any other. The wizard answers why not as a sentence of plain text (no mrkdwn).
 */
export async function openWizardOrRefuse(
  ctx: SlackContext,
  client: WebClient,
  input: { userId: string; triggerId: string; packageText?: string; directory?: UsergroupDirectory },
): Promise<void> {
  const refusal = await openPackageWizard(ctx, client, input);
  if (refusal) {
    throw new GatehouseError('package.wizard_unavailable', refusal, {
      ...(input.packageText ? { packageText: input.packageText } : {}),
    });
  }
}
