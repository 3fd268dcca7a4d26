import { adminCommands } from './admin/index.js';
import { helpCommand } from './help.js';
import { portalCommands } from './portal/index.js';
import { requestCommands } from './requests/index.js';
import type { AccessCommand } from './types.js';

/** Every `/access` sub-command, in the order help lists them. */
export const accessCommands: AccessCommand[] = [];
accessCommands.push(
  helpCommand(() => accessCommands),
  ...portalCommands,
  ...requestCommands,
  ...adminCommands,
);
