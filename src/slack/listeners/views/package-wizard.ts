import type { App } from '@slack/bolt';
import { readWizardStep, wizardStepView } from '../../../../views/admin/wizard/index.js';
import type { WizardDraft } from '../../../../views/admin/wizard/model.js';
import { nextStep } from '../../../../views/admin/wizard/navigation.js';
import {
  wizardFailedView,
  wizardProgressView,
  wizardRefusedView,
} from '../../../../views/admin/wizard/result.js';
import { type FieldErrors, stateValuesSchema } from '../../../../views/admin/wizard/state.js';
import { CALLBACK } from '../../../../views/ids.js';
import { isGatehouseError } from '../../../domain/errors.js';
import { getPackageDetails } from '../../../services/catalog/catalog-queries.js';
import type { Actor, EngineDeps } from '../../../services/context.js';
import type { UsergroupDirectory } from '../../admin/usergroups.js';
import { loadWizardData } from '../../admin/wizard/data.js';
import { draftOfView, keepDraft, STALE, type ViewDraft } from '../../admin/wizard/drafts.js';
import { applyWizardDraft } from '../../admin/wizard/save.js';
import type { SlackContext } from '../../context.js';
import { explain } from '../../refusals.js';

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
 * Next on a step: the draft comes from the store (the modal carries its id), the step's fields
 * are read and checked before the ack (the engine answers from the database only), so problems
 * show as field errors; the draft is written back and the modal moves on in the same ack.
 * Create / Save: the ack shows "Creating…", then the whole draft is applied in one transaction
 * (after asking Slack for names) and the modal is updated with the outcome.
 */
export function register(app: App, ctx: SlackContext, directory: UsergroupDirectory): void {
  app.view(CALLBACK.packageWizard, async ({ ack, body, view, client }) => {
    const actor = { userId: body.user.id };
    let open: ViewDraft | null;
    try {
      open = await draftOfView(ctx, actor, view);
    } catch (error) {
      const refusal = explain(error, ctx.log, { view: CALLBACK.packageWizard, reading: 'draft' });
      await ack({ response_action: 'update', view: wizardRefusedView(refusal.plain) });
      return;
    }
    if (!open) {
      await ack({ response_action: 'update', view: wizardRefusedView(STALE) });
      return;
    }
    const { draftId, draft } = open;
    if (draft.step === 'review') {
      await ack({ response_action: 'update', view: wizardProgressView(draft, draftId) });
      const outcome = await applyWizardDraft(ctx, client, actor, open, directory);
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
      if (!(await keepDraft(ctx, actor, view.id, { draftId, draft: next }))) {
        answered = true;
        await ack({ response_action: 'update', view: wizardRefusedView(STALE) });
        return;
      }
      const nextData = await loadWizardData(ctx.engine, actor, next, directory.knownNames());
      answered = true;
      await ack({ response_action: 'update', view: wizardStepView(next, nextData, draftId) });
    } catch (error) {
      if (answered) throw error;
      const refusal = explain(error, ctx.log, { view: CALLBACK.packageWizard, step: draft.step });
      await ack({
        response_action: 'update',
        view: wizardFailedView(draft, draftId, refusal.plain, draft.step),
      });
    }
  });
}
