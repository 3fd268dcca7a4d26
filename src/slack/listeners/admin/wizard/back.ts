import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { z } from 'zod';
import {
  decodeDraft,
  encodeDraft,
  WIZARD_LIMITS,
  WIZARD_STEPS,
} from '../../../../../views/admin/wizard/draft.js';
import { readWizardStep, wizardStepView } from '../../../../../views/admin/wizard/index.js';
import { stateValuesSchema } from '../../../../../views/admin/wizard/state.js';
import { ACTION } from '../../../../../views/ids.js';
import type { SlackContext } from '../../../context.js';
import type { UsergroupDirectory } from '../usergroups.js';
import { loadWizardData } from './data.js';

const stepSchema = z.enum(WIZARD_STEPS);

/**
 * Back (to the step in the button's value): what was typed on this step is kept when it reads
 * cleanly, and the modal is replaced by the earlier step (views.update with the view's hash, so
 * a stale click can't overwrite a newer view).
 */
export function registerWizardBack(app: App, ctx: SlackContext, directory: UsergroupDirectory): void {
  app.action<BlockAction<ButtonAction>>(ACTION.wizardBack, async ({ ack, body, action, client }) => {
    await ack();
    const view = body.view;
    const draft = decodeDraft(view?.private_metadata);
    const target = stepSchema.safeParse(action.value);
    if (!view || !draft || !target.success) return;
    const actor = { userId: body.user.id };
    try {
      let kept = draft;
      const values = stateValuesSchema.safeParse(view.state?.values ?? {});
      if (values.success && Object.keys(values.data).length > 0) {
        const data = await loadWizardData(ctx.engine, actor, draft, directory.knownNames());
        const reading = readWizardStep(draft.step, values.data, draft, data);
        if (reading.ok && encodeDraft(reading.draft).length <= WIZARD_LIMITS.privateMetadata)
          kept = reading.draft;
      }
      const next = { ...kept, step: target.data };
      const data = await loadWizardData(ctx.engine, actor, next, directory.knownNames());
      await client.views.update({ view_id: view.id, hash: view.hash, view: wizardStepView(next, data) });
    } catch (error) {
      ctx.log.warn(
        { err: error instanceof Error ? error.message : String(error) },
        'package wizard: Back failed',
      );
    }
  });
}
