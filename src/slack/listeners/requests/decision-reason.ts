import type { App } from '@slack/bolt';
import { z } from 'zod';
import { CALLBACK } from '../../../../views/ids.js';
import { decisionRefusedModal, REASON_FIELD } from '../../../../views/requests/decision-reason-modal.js';
import { SOMETHING_WENT_WRONG } from '../../../../views/requests/refusal.js';
import { decisionMetadataSchema, readMetadata } from '../../../../views/requests/values.js';
import { isGatehouseError } from '../../../domain/errors.js';
import { decideRequest, recordRefusal } from '../../../services/requests/requests.js';
import type { SlackContext } from '../../context.js';
import { noteRefused } from '../../observe/scope.js';

const reasonStateSchema = z.object({
  [REASON_FIELD]: z.object({ [REASON_FIELD]: z.object({ value: z.string().nullish() }).passthrough() }),
});

/**
 * The reason modal (CALLBACK.decisionReason): the engine decides BEFORE the ack, so a missing or
 * too long reason is a field error; a refusal no field can fix (decided meanwhile) replaces the
 * modal with the reason and is audited; success closes it.
 */
export function register(app: App, ctx: SlackContext): void {
  app.view(CALLBACK.decisionReason, async ({ ack, body, view }) => {
    const actor = { userId: body.user.id };
    const metadata = readMetadata(decisionMetadataSchema, view.private_metadata);
    const state = reasonStateSchema.safeParse(view.state.values);
    if (!metadata || !state.success) {
      await ack({
        response_action: 'update',
        view: decisionRefusedModal('This form is out of date: `/access approvals` lists what waits on you.'),
      });
      return;
    }
    const reason = state.data[REASON_FIELD][REASON_FIELD].value ?? '';
    try {
      await decideRequest(ctx.engine, actor, { ...metadata, reason });
    } catch (error) {
      if (isGatehouseError(error)) {
        const fieldError = reasonFieldError(error);
        if (fieldError) {
          await ack({ response_action: 'errors', errors: { [REASON_FIELD]: fieldError } });
          return;
        }
        noteRefused();
        await ack({ response_action: 'update', view: decisionRefusedModal(error.message) });
        await recordRefusal(ctx.engine, actor, error, { requestId: metadata.requestId }).catch(
          (failure: unknown) => ctx.log.error({ err: failure }, 'could not audit a refused decision'),
        );
        return;
      }
      ctx.log.error({ err: error, slackUser: actor.userId }, 'deciding a request failed');
      await ack({ response_action: 'update', view: decisionRefusedModal(SOMETHING_WENT_WRONG) });
      return;
    }
    await ack();
    ctx.afterChange();
  });
}

function reasonFieldError(error: {
  code: string;
  message: string;
  details: Record<string, unknown>;
}): string | null {
  const fields = (error.details.fields ?? {}) as Record<string, unknown>;
  if (error.code === 'request.reason_required') return error.message;
  if (error.code === 'input.invalid' && typeof fields.reason === 'string') return fields.reason;
  return null;
}
