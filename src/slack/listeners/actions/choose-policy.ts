import type { App, BlockAction } from '@slack/bolt';
import { z } from 'zod';
import { ACTION } from '../../../../views/ids.js';
import { requestModal } from '../../../../views/requests/request-modal.js';
import { readMetadata, requestModalMetadataSchema } from '../../../../views/requests/values.js';
import { sentence, typed } from '../../../domain/errors.js';
import { clickedValue, staleButton } from '../../click.js';
import type { SlackContext } from '../../context.js';
import { errorModal, explain } from '../../refusals.js';
import { findRequestable } from '../../requests/request-modal.js';

const policyIdSchema = z.coerce.number().int().positive();

/**
 * The policy select of the request modal (ACTION.choosePolicy): the form is rebuilt for the
 * chosen policy (its questions, justification, timeline) with views.update; a form whose package
 * changed meanwhile is replaced by one saying so.
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
          : errorModal(
              explain(
                staleButton(
                  sentence`This form is out of date: the package's policies changed. Run ${typed('/access request')} again.`,
                ),
                ctx.log,
              ),
              {
                title: "Couldn't request",
                subject: entry?.package.name ?? metadata?.packageName ?? 'This package',
                footer: 'Nothing was requested. `/access list` shows what you can request.',
              },
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
