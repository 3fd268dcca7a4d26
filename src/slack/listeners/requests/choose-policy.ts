import type { App, BlockAction } from '@slack/bolt';
import { z } from 'zod';
import { ACTION } from '../../../../views/ids.js';
import { requestModal, requestRefusedModal } from '../../../../views/requests/request-modal.js';
import { readMetadata, requestModalMetadataSchema } from '../../../../views/requests/values.js';
import type { SlackContext } from '../../context.js';
import { findRequestable } from './open-request-modal.js';
import { clickedValue } from './tell-clicker.js';

const policyIdSchema = z.coerce.number().int().positive();

/**
 * The policy select of the request modal (ACTION.choosePolicy): the form is rebuilt for the
 * chosen policy (its questions, justification, timeline) with views.update.
 */
export function register(app: App, ctx: SlackContext): void {
  app.action<BlockAction>(ACTION.choosePolicy, async ({ ack, body, action, client }) => {
    await ack();
    const view = body.view;
    if (!view) return;
    const userId = body.user.id;
    const metadata = readMetadata(requestModalMetadataSchema, view.private_metadata);
    const policyId = policyIdSchema.safeParse(clickedValue(action));
    try {
      const entry = metadata ? await findRequestable(ctx, userId, metadata.packageId) : null;
      const next =
        entry && policyId.success
          ? requestModal({
              package: entry.package,
              policies: entry.policies,
              policyId: policyId.data,
              now: ctx.engine.clock.now(),
            })
          : requestRefusedModal(
              entry?.package.name ?? 'This package',
              "This form is out of date: the package's policies changed. Run `/access request` again.",
            );
      await client.views.update({ view_id: view.id, hash: view.hash, view: next });
    } catch (error) {
      ctx.log.warn(
        { slackUser: userId, err: error instanceof Error ? error.message : String(error) },
        'could not switch the request form to another policy',
      );
    }
  });
}
