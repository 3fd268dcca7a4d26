import type { App } from '@slack/bolt';
import { z } from 'zod';
import { upsertUser } from '../../../services/catalog/users.js';
import { SYSTEM } from '../../../services/context.js';
import { removeDeactivatedUser } from '../../../services/requests/assignments.js';
import type { SlackContext } from '../../context.js';
import { directoryRecord, noteUserRecorded } from '../../directory.js';

const slackUser = z
  .object({
    id: z.string().regex(/^[UW][A-Z0-9]+$/),
    name: z.string().max(200).optional(),
    real_name: z.string().max(200).optional(),
    deleted: z.boolean().optional(),
    is_bot: z.boolean().optional(),
    is_restricted: z.boolean().optional(),
    is_ultra_restricted: z.boolean().optional(),
    is_stranger: z.boolean().optional(),
    team_id: z.string().max(40).optional(),
    enterprise_id: z.string().max(40).optional(),
    enterprise_user: z
      .object({ enterprise_id: z.string().max(40).optional() })
      .loose()
      .optional(),
    profile: z
      .object({
        email: z.string().max(320).optional(),
        real_name: z.string().max(200).optional(),
        display_name: z.string().max(200).optional(),
      })
      .partial()
      .optional(),
  })
  .loose();

const userChange = z.object({ user: slackUser });

/**
 * `user_change`: Slack's word on a person is kept (name, guest or member, deactivated). A
 * deactivated person loses every assignment and open request, like a user removed from the
 * directory in Entra. Removal runs on every `deleted` event, so a retried or earlier-failed one
 * still finishes the job (it is idempotent).
 */
export function register(app: App, ctx: SlackContext): void {
  app.event('user_change', async ({ event }) => {
    const parsed = userChange.safeParse(event);
    if (!parsed.success) {
      ctx.log.warn({ issues: parsed.error.issues.length }, 'unreadable user_change event');
      return;
    }
    const user = parsed.data.user;
    const log = ctx.log.child({ slackUser: user.id, event: 'user_change' });
    try {
      const installation = ctx.installation();
      if (installation) {
        const recorded = await upsertUser(ctx.engine, SYSTEM, directoryRecord(user, installation));
        noteUserRecorded(ctx, recorded.user);
      } else log.warn('user_change before auth.test answered: the profile is not recorded');
      if (!user.deleted) return;
      const removed = await removeDeactivatedUser(ctx.engine, user.id);
      if (removed.endedAssignmentIds.length || removed.canceledRequestIds.length) {
        log.info(
          { ended: removed.endedAssignmentIds.length, canceled: removed.canceledRequestIds.length },
          'deactivated user: access removed',
        );
      }
    } catch (error) {
      log.error({ err: error }, 'handling user_change failed');
    }
  });
}
