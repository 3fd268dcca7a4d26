import type { App } from '@slack/bolt';
import { z } from 'zod';
import { CALLBACK } from '../../../../views/ids.js';
import { extendModalMetadata } from '../../../../views/portal/extend-modal.js';
import { extendedSentence } from '../../../../views/portal/outcomes.js';
import { isGatehouseError } from '../../../domain/errors.js';
import { extendAssignment } from '../../../services/requests/assignments.js';
import { myAssignments } from '../../../services/requests/request-queries.js';
import type { SlackContext } from '../../context.js';
import { answerAccessAction } from './answers.js';
import { jsonOrNull } from './click.js';

const justificationState = z.object({
  justification: z.object({ value: z.object({ value: z.string().max(3000).nullish() }) }),
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
    const metadata = extendModalMetadata.safeParse(jsonOrNull(view.private_metadata));
    const state = justificationState.safeParse(view.state.values);
    if (!metadata.success || !state.success) {
      log.warn('unreadable extension modal');
      await ack({
        response_action: 'errors',
        errors: { justification: 'This form is out of date: close it and click Extend again.' },
      });
      return;
    }
    const { assignmentId, origin } = metadata.data;
    const justification = state.data.justification.value.value?.trim() || undefined;
    let sentence: string;
    try {
      const held = (await myAssignments(ctx.engine, userId)).find((a) => a.assignmentId === assignmentId);
      const result = await extendAssignment(ctx.engine, { userId }, { assignmentId, justification });
      sentence = extendedSentence(held?.packageName ?? 'your access', result);
    } catch (error) {
      const message = isGatehouseError(error)
        ? error.message
        : "Something went wrong on Gatehouse's side and nothing was changed. Try again in a minute.";
      if (!isGatehouseError(error)) log.error({ err: error }, 'extension from the modal failed');
      await ack({ response_action: 'errors', errors: { justification: message } });
      return;
    }
    await ack();
    ctx.afterChange();
    await answerAccessAction(ctx, client, userId, origin, { kind: 'done', text: sentence });
  });
}
