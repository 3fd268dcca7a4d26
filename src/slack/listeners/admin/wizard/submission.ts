import type { App } from '@slack/bolt';
import {
  decodeDraft,
  encodeDraft,
  nextStep,
  WIZARD_LIMITS,
  type WizardDraft,
} from '../../../../../views/admin/wizard/draft.js';
import { OVERFLOW_FIELD, readWizardStep, wizardStepView } from '../../../../../views/admin/wizard/index.js';
import {
  wizardFailedView,
  wizardProgressView,
  wizardRefusedView,
} from '../../../../../views/admin/wizard/result.js';
import { type FieldErrors, stateValuesSchema } from '../../../../../views/admin/wizard/state.js';
import { CALLBACK } from '../../../../../views/ids.js';
import { isGatehouseError } from '../../../../domain/errors.js';
import { getPackageDetails } from '../../../../services/catalog/catalog-queries.js';
import type { Actor, EngineDeps } from '../../../../services/context.js';
import type { SlackContext } from '../../../context.js';
import type { UsergroupDirectory } from '../usergroups.js';
import { loadWizardData } from './data.js';
import { saveDraft } from './save.js';

const STALE = 'This form is out of date. Start again with `/access package new`.';
const TOO_BIG =
  'This is more than the wizard can carry between its steps: pick fewer people or resources, or shorten the texts.';

/** Whether another package (one the actor may not even see) has this name already. */
async function nameTakenBy(deps: EngineDeps, actor: Actor, name: string, packageId: number | null) {
  try {
    const found = await getPackageDetails(deps, actor, { package: name });
    return found.package.id === packageId ? null : found.package.name;
  } catch (error) {
    if (isGatehouseError(error, 'package.not_found')) return null;
    if (isGatehouseError(error, 'auth.forbidden')) return name;
    throw error;
  }
}

/**
 * Next on a step: its fields are read and checked before the ack (the engine answers from the
 * database only), so problems show as field errors and the modal moves on in the same ack.
 * Create / Save: the ack shows "Creating…", then the engine runs (it may ask Slack for names)
 * and the modal is updated with the outcome.
 */
export function registerWizardSubmission(app: App, ctx: SlackContext, directory: UsergroupDirectory): void {
  app.view(CALLBACK.packageWizard, async ({ ack, body, view, client }) => {
    const actor = { userId: body.user.id };
    const draft = decodeDraft(view.private_metadata);
    if (!draft) {
      await ack({ response_action: 'update', view: wizardRefusedView(STALE) });
      return;
    }
    if (draft.step === 'review') {
      await ack({ response_action: 'update', view: wizardProgressView(draft) });
      const outcome = await saveDraft(ctx, client, actor, draft, directory);
      ctx.afterChange();
      await client.views
        .update({ view_id: view.id, view: outcome })
        .catch((error: unknown) =>
          ctx.log.warn(
            { err: error instanceof Error ? error.message : String(error) },
            'views.update failed',
          ),
        );
      return;
    }
    const values = stateValuesSchema.safeParse(view.state?.values ?? {});
    let answered = false;
    try {
      const data = await loadWizardData(ctx.engine, actor, draft, directory.knownNames());
      const reading = readWizardStep(draft.step, values.success ? values.data : {}, draft, data);
      let errors: FieldErrors = reading.ok ? {} : reading.errors;
      if (reading.ok && draft.step === 'basics') {
        const taken = await nameTakenBy(ctx.engine, actor, reading.draft.name, draft.packageId);
        if (taken)
          errors = { name: `There is already an access package called ${taken}. Pick another name.` };
      }
      if (!reading.ok || Object.keys(errors).length > 0) {
        answered = true;
        await ack({ response_action: 'errors', errors });
        return;
      }
      const next: WizardDraft = { ...reading.draft, step: nextStep(draft.step) };
      const field = OVERFLOW_FIELD[draft.step];
      if (encodeDraft(next).length > WIZARD_LIMITS.privateMetadata && field) {
        answered = true;
        await ack({ response_action: 'errors', errors: { [field]: TOO_BIG } });
        return;
      }
      const nextData = await loadWizardData(ctx.engine, actor, next, directory.knownNames());
      answered = true;
      await ack({ response_action: 'update', view: wizardStepView(next, nextData) });
    } catch (error) {
      if (answered) throw error;
      const message = isGatehouseError(error)
        ? error.message
        : "Something went wrong on Gatehouse's side. Try again in a minute.";
      if (!isGatehouseError(error)) ctx.log.error({ err: error }, 'the package wizard failed on Next');
      await ack({ response_action: 'update', view: wizardFailedView(draft, message, draft.step) });
    }
  });
}
