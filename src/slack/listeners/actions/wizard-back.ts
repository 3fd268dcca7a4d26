import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { z } from 'zod';
import { readWizardStep, wizardStepView } from '../../../../views/admin/wizard/index.js';
import { stepShownBy, WIZARD_STEPS } from '../../../../views/admin/wizard/navigation.js';
import { wizardRefusedView } from '../../../../views/admin/wizard/result.js';
import { stateValuesSchema } from '../../../../views/admin/wizard/state.js';
import { ACTION } from '../../../../views/ids.js';
import type { UsergroupDirectory } from '../../admin/usergroups.js';
import { loadWizardData } from '../../admin/wizard/data.js';
import { draftOfView, keepDraft, STALE } from '../../admin/wizard/drafts.js';
import type { SlackContext } from '../../context.js';

const stepSchema = z.enum(WIZARD_STEPS);

/**
 * Back (to the step in the button's value), and "Another question" (back to the same step):
 * what was typed on this step is kept when it reads cleanly, and the modal is replaced by the
 * target step (views.update with the view's hash, so a stale click can't overwrite a newer
 * view). The draft is written back only once Slack took the new view.
 */
export function register(app: App, ctx: SlackContext, directory: UsergroupDirectory): void {
  app.action<BlockAction<ButtonAction>>(ACTION.wizardBack, async ({ ack, body, action, client }) => {
    await ack();
    const view = body.view;
    const target = stepSchema.safeParse(action.value);
    if (!view || !target.success) return;
    const actor = { userId: body.user.id };
    try {
      const open = await draftOfView(ctx, actor, view);
      if (!open) {
        await client.views.update({ view_id: view.id, hash: view.hash, view: wizardRefusedView(STALE) });
        return;
      }
      let kept = open.draft;
      const shown = stepShownBy(view);
      const values = stateValuesSchema.safeParse(view.state?.values ?? {});
      if (shown && values.success && Object.keys(values.data).length > 0) {
        const data = await loadWizardData(ctx.engine, actor, kept, directory.knownNames());
        const reading = readWizardStep(shown, values.data, kept, data);
        if (reading.ok) kept = reading.draft;
        // Staying on the step with what doesn't read: leave the modal (and what is typed) as it is.
        else if (target.data === shown) return;
      }
      const next = { ...kept, step: target.data };
      const data = await loadWizardData(ctx.engine, actor, next, directory.knownNames());
      await client.views.update({
        view_id: view.id,
        hash: view.hash,
        view: wizardStepView(next, data, open.draftId),
      });
      await keepDraft(ctx, actor, view.id, { draftId: open.draftId, draft: next });
    } catch (error) {
      ctx.log.warn(
        { err: error instanceof Error ? error.message : String(error) },
        'package wizard: Back failed',
      );
    }
  });
}
