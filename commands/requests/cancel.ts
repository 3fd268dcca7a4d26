import { isGatehouseError } from '../../src/domain/errors.js';
import { parseRequestId } from '../../src/domain/states.js';
import { getRequest, myRequests } from '../../src/services/requests/request-queries.js';
import { cancelRequest } from '../../src/services/requests/requests.js';
import { section } from '../../views/blocks.js';
import { userText } from '../../views/mrkdwn.js';
import { openRequestsView } from '../../views/requests/open-requests.js';
import { refusalReply } from '../../views/requests/refusal.js';
import type { AccessCommand } from '../types.js';

/** `/access cancel <request>` (R-1042 or 1042); no id: my open requests, each with Cancel. */
export const cancelCommand: AccessCommand = {
  name: 'cancel',
  usage: 'cancel <request>',
  summary: 'withdraw a request that is still open (R-1042)',
  audience: 'everyone',
  async run(call) {
    const { ctx, userId } = call;
    const typed = call.args.trim();
    if (!typed) return openRequestsView(await myRequests(ctx.engine, userId, { open: true }));
    const requestId = parseRequestId(typed);
    if (requestId === null) {
      const text = `\`${userText(typed.replaceAll('`', "'"), 40)}\` isn't a request id. Type it like \`/access cancel R-1042\`; \`/access cancel\` lists your open requests.`;
      return { text, blocks: [section(text)] };
    }
    try {
      const result = await cancelRequest(ctx.engine, { userId }, { requestId });
      const request = await getRequest(ctx.engine, { userId }, requestId);
      const text = `:wastebasket: ${result.request} for *${userText(request.packageName, 150)}* was canceled.`;
      return { text, blocks: [section(text)] };
    } catch (error) {
      if (isGatehouseError(error)) return refusalReply(error.message);
      throw error;
    }
  },
};
