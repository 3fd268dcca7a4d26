import type { App } from '@slack/bolt';
import { z } from 'zod';
import { CALLBACK } from '../../../../views/ids.js';
import { extendModalMetadata } from '../../../../views/portal/extend-modal.js';
import { extendedSentence } from '../../../../views/portal/outcomes.js';
import { extendAssignment } from '../../../services/requests/assignments.js';
import { jsonOrNull, staleButton } from '../../click.js';
import type { SlackContext } from '../../context.js';
import { heldAssignment } from '../../portal/access-action.js';
import { answerAccessAction } from '../../portal/answers.js';
import { explain, fieldErrors, inputBlockIds } from '../../refusals.js';

const JUSTIFICATION_FIELD = 'justification';

const justificationState = z.object({
  [JUSTIFICATION_FIELD]: z.object({ value: z.object({ value: z.string().max(3000).nullish() }) }),
});

/**
 * The extension's justification modal. The engine is called before the ack (DB only, fast), so
 * a refusal shows on the field; on success the modal closes and the answer goes where the
 * person clicked Extend.
 */
export function register(app: App, ctx: SlackContext): void {
  app.view(CALLBACK.extendJustification, async ({ ack, body, view, client }) => {
    const userId = body.user.id;
    const log = ctx.log.child({ slackUser: userId, view: CALLBACK.extendJustification });
    const form = { inputs: inputBlockIds(view), fallback: JUSTIFICATION_FIELD };
    const metadata = extendModalMetadata.safeParse(jsonOrNull(view.private_metadata));
    const state = justificationState.safeParse(view.state.values);
    if (!metadata.success || !state.success) {
      const stale = staleButton('This form is out of date: close it and click Extend again.');
      await ack(fieldErrors(explain(stale, log), form) ?? undefined);
      return;
    }
    const { assignmentId, origin } = metadata.data;
    const justification = state.data.justification.value.value?.trim() || undefined;
    let done: string;
    try {
      const held = await heldAssignment(ctx, userId, assignmentId);
      const result = await extendAssignment(ctx.engine, { userId }, { assignmentId, justification });
      done = extendedSentence(held?.packageName ?? 'your access', result);
    } catch (error) {
      await ack(fieldErrors(explain(error, log, { assignmentId }), form) ?? undefined);
      return;
    }
    await ack();
    await answerAccessAction(ctx, client, userId, origin, { kind: 'done', mrkdwn: done });
  });
}
