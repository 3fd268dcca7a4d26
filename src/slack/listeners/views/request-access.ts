import type { App } from '@slack/bolt';
import { CALLBACK } from '../../../../views/ids.js';
import { sentence, typed } from '../../../domain/errors.js';
import { submitRequest } from '../../../services/requests/requests.js';
import { staleButton } from '../../click.js';
import type { SlackContext } from '../../context.js';
import { noteGatehouseRequest } from '../../observe/scope.js';
import { errorModal, explain, fieldErrors } from '../../refusals.js';
import { readRequestForm, requestFormFields, timelineOf } from '../../requests/request-form.js';

const REFUSED = {
  title: "Couldn't request",
  footer: 'Nothing was requested. `/access list` shows what you can request.',
};

/**
 * The request modal's submission (CALLBACK.requestAccess). The engine is asked BEFORE the ack
 * (database only: deliveries go to the background), so what a field can fix comes back as
 * field errors and the modal stays open; any other refusal replaces the form with the reason;
 * success closes it, and the card arrives by DM through the outbox. The form carries the
 * package's name and its policies' expiries: nothing is read before submitRequest.
 */
export function register(app: App, ctx: SlackContext): void {
  app.view(CALLBACK.requestAccess, async ({ ack, body, view }) => {
    const userId = body.user.id;
    const log = ctx.log.child({ slackUser: userId, view: CALLBACK.requestAccess });
    const form = readRequestForm(view);
    if (!form) {
      const stale = staleButton(
        sentence`This form is out of date. Run ${typed('/access request')} again to get a fresh one.`,
      );
      await ack({
        response_action: 'update',
        view: errorModal(explain(stale, log), { ...REFUSED, subject: 'This form' }),
      });
      return;
    }
    const { metadata } = form;
    try {
      const expiry = metadata.expiries[String(form.policyId)];
      const timeline = expiry ? timelineOf(form, { expiry }, ctx.engine.clock.now()) : {};
      const submitted = await submitRequest(
        ctx.engine,
        { userId },
        {
          packageId: metadata.packageId,
          policyId: form.policyId,
          justification: form.justification,
          answers: form.answers,
          ...timeline,
        },
      );
      noteGatehouseRequest(submitted.requestId);
    } catch (error) {
      const refusal = explain(error, log);
      const errors = fieldErrors(refusal, requestFormFields(view));
      await ack(
        errors ?? {
          response_action: 'update',
          view: errorModal(refusal, { ...REFUSED, subject: metadata.packageName }),
        },
      );
      return;
    }
    await ack();
  });
}
