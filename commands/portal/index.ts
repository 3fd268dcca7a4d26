import type { AccessCommand } from '../types.js';
import { extendCommand } from './extend.js';
import { historyCommand } from './history.js';
import { listCommand } from './list.js';
import { myCommand } from './my.js';
import { reviewsCommand } from './reviews.js';

/** The My Access portal in commands: `list`, `my`, `history`, `extend`, `reviews`. */
export const portalCommands: AccessCommand[] = [
  listCommand,
  myCommand,
  historyCommand,
  extendCommand,
  reviewsCommand,
];
