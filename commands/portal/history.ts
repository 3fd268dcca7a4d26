import { z } from 'zod';
import { GatehouseError, sentence, typed } from '../../src/domain/errors.js';
import { requestHistory } from '../../src/services/requests/request-queries.js';
import { HISTORY_PAGE_SIZE, historyView } from '../../views/portal/history.js';
import type { AccessCommand } from '../types.js';

/** Far enough back for anyone; the query reads every row up to the page asked for. */
const MAX_PAGE = 50;
const pageArg = z.union([z.literal(''), z.coerce.number().int().min(1).max(MAX_PAGE)]);

export const historyCommand: AccessCommand = {
  name: 'history',
  usage: 'history [page]',
  summary: 'every request you made, newest first, and how it ended',
  audience: 'everyone',
  async run(call) {
    const parsed = pageArg.safeParse(call.args.trim());
    if (!parsed.success) {
      throw new GatehouseError(
        'input.invalid',
        sentence`Give a page number from 1 to ${MAX_PAGE}, like ${typed('/access history 2')}, or nothing for the newest requests.`,
      );
    }
    const page = parsed.data === '' ? 1 : parsed.data;
    const rows = await requestHistory(call.engine, call.userId, { limit: page * HISTORY_PAGE_SIZE + 1 });
    const onPage = rows.slice((page - 1) * HISTORY_PAGE_SIZE, page * HISTORY_PAGE_SIZE);
    return historyView({ requests: onPage, page, hasMore: rows.length > page * HISTORY_PAGE_SIZE });
  },
};
