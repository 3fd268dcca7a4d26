import type { AccessCommand } from '../types.js';
import { listCommand } from './list.js';

/** The My Access portal in commands: `list`, `my`, `history`, `extend`, `reviews`. */
export const portalCommands: AccessCommand[] = [listCommand];
