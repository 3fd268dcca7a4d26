import { GatehouseError, sentence, typed } from '../../src/domain/errors.js';
import { parseRequestId } from '../../src/domain/states.js';
import { getRequest, myRequests } from '../../src/services/requests/request-queries.js';
import { cancelRequest } from '../../src/services/requests/requests.js';
import { section } from '../../views/blocks.js';
import { userText } from '../../views/mrkdwn.js';
import { openRequestsView } from '../../views/requests/open-requests.js';
import { unescapeSlackText } from '../router.js';
import type { AccessCommand } from '../types.js';

/** `/access cancel <request>` (R-1042 or 1042); no id: my open requests, each with Cancel. */
export const cancelCommand: AccessCommand = {
  name: 'cancel',
  usage: 'cancel <request>',
  summary: 'withdraw a request that is still open (R-1042)',
  audience: 'everyone',
  async run(call) {
    const { engine, userId } = call;
    const text = call.args.trim();
    if (!text) return openRequestsView(await myRequests(engine, userId, { open: true }));
    const requestId = parseRequestId(text);
    if (requestId === null) {
      throw new GatehouseError(
        'input.invalid',
        sentence`${typed(unescapeSlackText(text).slice(0, 40))} isn't a request id. Type it like ${typed('/access cancel R-1042')}; ${typed('/access cancel')} lists your open requests.`,
      );
    }
    const result = await cancelRequest(engine, { userId }, { requestId });
    const request = await getRequest(engine, { userId }, requestId);
    const done = `:wastebasket: ${result.request} for *${userText(request.packageName, 150)}* was canceled.`;
    return { text: done, blocks: [section(done)] };
  },
};
