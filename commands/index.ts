import { catalogListCommand } from './catalog-list.js';
import { helpCommand } from './help.js';
import { listCommand } from './list.js';
import type { AccessCommand } from './types.js';

/** Every `/access` sub-command, in the order help lists them. */
export const accessCommands: AccessCommand[] = [];
accessCommands.push(
  helpCommand(() => accessCommands),
  listCommand,
  catalogListCommand,
);
