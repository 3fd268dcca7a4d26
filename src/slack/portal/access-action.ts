import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Notice } from '../../../views/notice.js';
import { type MyAssignment, myAssignments } from '../../services/requests/request-queries.js';
import { type Click, idFromValue, parseClick } from '../click.js';
import type { SlackContext } from '../context.js';
import { ensureUser } from '../directory.js';
import { explain, refusalNotice } from '../refusals.js';
import { answerAccessAction } from './answers.js';

/** A click on a button of one of the clicker's own assignments (Extend, I'm done). */
export interface AccessClick {
  click: Click;
  client: WebClient;
  assignmentId: number;
  /** The assignment as the clicker holds it; undefined when it is no longer theirs. */
  held: MyAssignment | undefined;
}

/** The clicker's assignment `assignmentId`, as My Access lists it (undefined: not theirs, or ended). */
export async function heldAssignment(
  ctx: Pick<SlackContext, 'engine'>,
  userId: string,
  assignmentId: number,
): Promise<MyAssignment | undefined> {
  return (await myAssignments(ctx.engine, userId)).find((a) => a.assignmentId === assignmentId);
}

/**
 * Registers the listener of an assignment's button (Home tab, `/access my`): reads the click and
 * the assignment it names, makes the clicker known, runs `act`, and shows its notice (or the
 * refusal) where they clicked. `act` returns null when it answered otherwise (it opened a modal).
 */
export function onAccessAction(
  app: App,
  ctx: SlackContext,
  actionId: string,
  act: (access: AccessClick) => Promise<Notice | null>,
): void {
  app.action(actionId, async ({ ack, body, client }) => {
    await ack();
    const click = parseClick(body);
    const log = ctx.log.child({ slackUser: click.userId, action: actionId });
    let notice: Notice | null;
    try {
      const assignmentId = idFromValue(click.value);
      await ensureUser(ctx, client, click.userId);
      const held = await heldAssignment(ctx, click.userId, assignmentId);
      notice = await act({ click, client, assignmentId, held });
    } catch (error) {
      notice = refusalNotice(explain(error, log, { value: click.value }));
    }
    if (notice) await answerAccessAction(ctx, client, click.userId, click.origin, notice);
  });
}
