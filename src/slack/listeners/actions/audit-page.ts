import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { z } from 'zod';
import { auditPageReply } from '../../../../commands/admin/audit.js';
import { ACTION } from '../../../../views/ids.js';
import { getPackageDetails } from '../../../services/catalog/catalog-queries.js';
import type { SlackContext } from '../../context.js';
import { ephemeralReply, explain } from '../../refusals.js';

/** `p:<packageId>:<offset>` or `u:<userId>:<offset>`, as the audit view writes it. */
const valueSchema = z.union([
  z
    .string()
    .regex(/^p:\d{1,12}:\d{1,6}$/)
    .transform((v) => ({ packageId: Number(v.split(':')[1]), offset: Number(v.split(':')[2]) })),
  z
    .string()
    .regex(/^u:[UW][A-Z0-9]{2,}:\d{1,6}$/)
    .transform((v) => ({ userId: v.split(':')[1]!, offset: Number(v.split(':')[2]) })),
]);

/** "Older events" on an audit trail: the next page replaces the message (the engine re-checks who may see it). */
export function register(app: App, ctx: SlackContext): void {
  app.action<BlockAction<ButtonAction>>(ACTION.auditPage, async ({ ack, body, action, respond }) => {
    await ack();
    const parsed = valueSchema.safeParse(action.value);
    if (!parsed.success) return;
    const actor = { userId: body.user.id };
    let reply: { text: string; blocks: unknown[] };
    try {
      if ('packageId' in parsed.data) {
        const details = await getPackageDetails(ctx.engine, actor, { package: parsed.data.packageId });
        reply = await auditPageReply(
          ctx.engine,
          actor,
          { packageId: details.package.id, packageName: details.package.name },
          parsed.data.offset,
        );
      } else {
        reply = await auditPageReply(ctx.engine, actor, { userId: parsed.data.userId }, parsed.data.offset);
      }
    } catch (error) {
      reply = ephemeralReply(explain(error, ctx.log, { value: action.value }));
    }
    await respond({ replace_original: true, text: reply.text, blocks: reply.blocks as never });
  });
}
