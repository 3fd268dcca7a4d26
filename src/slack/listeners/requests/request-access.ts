import type { App } from '@slack/bolt';
import { plain, section } from '../../../../views/blocks.js';
import { CALLBACK } from '../../../../views/ids.js';
import { SOMETHING_WENT_WRONG } from '../../../../views/requests/refusal.js';
import { requestRefusedModal } from '../../../../views/requests/request-modal.js';
import { isGatehouseError } from '../../../domain/errors.js';
import { submitRequest } from '../../../services/requests/requests.js';
import type { SlackContext } from '../../context.js';
import { noteGatehouseRequest, noteRefused } from '../../observe/scope.js';
import { findRequestable } from './open-request-modal.js';
import { inputBlockIds, readRequestForm, requestFieldErrors, timelineOf } from './request-form.js';

/**
 * The request modal's submission (CALLBACK.requestAccess). The engine is asked BEFORE the ack
 * (database only: deliveries go to the background), so what a field can fix comes back as
 * field errors and the modal stays open; any other refusal replaces the form with the reason;
 * success closes it, and the card arrives by DM through the outbox.
 */
export function register(app: App, ctx: SlackContext): void {
  app.view(CALLBACK.requestAccess, async ({ ack, body, view }) => {
    const userId = body.user.id;
    const log = ctx.log.child({ slackUser: userId, view: CALLBACK.requestAccess });
    const form = readRequestForm(view);
    if (!form) {
      await ack({ response_action: 'update', view: outOfDate() });
      return;
    }
    let packageName = 'this package';
    try {
      const entry = await findRequestable(ctx, userId, form.metadata.packageId);
      const policy = entry?.policies.find((p) => p.id === form.policyId);
      if (entry) packageName = entry.package.name;
      const timeline = policy ? timelineOf(form, policy.settings, ctx.engine.clock.now()) : {};
      const submitted = await submitRequest(
        ctx.engine,
        { userId },
        {
          packageId: form.metadata.packageId,
          policyId: form.policyId,
          justification: form.justification,
          answers: form.answers,
          ...timeline,
        },
      );
      noteGatehouseRequest(submitted.requestId);
    } catch (error) {
      if (isGatehouseError(error)) {
        const errors = requestFieldErrors(error, inputBlockIds(view));
        if (errors) await ack({ response_action: 'errors', errors });
        else {
          noteRefused();
          await ack({ response_action: 'update', view: requestRefusedModal(packageName, error.message) });
        }
        return;
      }
      log.error({ err: error }, 'request submission failed');
      await ack({ response_action: 'update', view: brokeView() });
      return;
    }
    await ack();
    ctx.afterChange();
  });
}

function outOfDate() {
  return requestRefusedModal(
    'This form',
    'This form is out of date. Run `/access request` again to get a fresh one.',
  );
}

function brokeView() {
  return {
    type: 'modal' as const,
    title: plain("Couldn't request", 24),
    close: plain('Close', 24),
    blocks: [section(SOMETHING_WENT_WRONG)],
  };
}
