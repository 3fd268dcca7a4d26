import type { App } from '@slack/bolt';
import { z } from 'zod';
import { CALLBACK } from '../../../../views/ids.js';
import { REASON_FIELD } from '../../../../views/requests/decision-reason-modal.js';
import { decisionMetadataSchema, readMetadata } from '../../../../views/requests/values.js';
import { isGatehouseError, sentence, typed } from '../../../domain/errors.js';
import { decideRequest, recordRefusal } from '../../../services/requests/requests.js';
import { staleButton } from '../../click.js';
import type { SlackContext } from '../../context.js';
import { errorModal, explain, fieldErrors, inputBlockIds } from '../../refusals.js';

const reasonStateSchema = z.object({
  [REASON_FIELD]: z.object({ [REASON_FIELD]: z.object({ value: z.string().nullish() }).passthrough() }),
});

const REFUSED = { title: "Couldn't decide" };

/**
 * The reason modal (CALLBACK.decisionReason): the engine decides BEFORE the ack, so a missing or
 * too long reason is a field error; a refusal no field can fix (decided meanwhile) replaces the
 * modal with the reason and is audited; success closes it.
 */
export function register(app: App, ctx: SlackContext): void {
  app.view(CALLBACK.decisionReason, async ({ ack, body, view }) => {
    const actor = { userId: body.user.id };
    const log = ctx.log.child({ slackUser: actor.userId, view: CALLBACK.decisionReason });
    const metadata = readMetadata(decisionMetadataSchema, view.private_metadata);
    const state = reasonStateSchema.safeParse(view.state.values);
    if (!metadata || !state.success) {
      const stale = staleButton(
        sentence`This form is out of date: ${typed('/access approvals')} lists what waits on you.`,
      );
      await ack({ response_action: 'update', view: errorModal(explain(stale, log), REFUSED) });
      return;
    }
    const reason = state.data[REASON_FIELD][REASON_FIELD].value ?? '';
    try {
      await decideRequest(ctx.engine, actor, { ...metadata, reason });
    } catch (error) {
      const refusal = explain(error, log, { requestId: metadata.requestId });
      const errors = fieldErrors(refusal, {
        inputs: inputBlockIds(view),
        blockFor: (field) => (field === 'reason' ? REASON_FIELD : null),
      });
      await ack(errors ?? { response_action: 'update', view: errorModal(refusal, REFUSED) });
      if (!errors && isGatehouseError(error)) {
        await recordRefusal(ctx.engine, actor, error, { requestId: metadata.requestId }).catch(
          (failure: unknown) => log.error({ err: failure }, 'could not audit a refused decision'),
        );
      }
      return;
    }
    await ack();
  });
}
