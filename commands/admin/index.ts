import type { AccessCommand } from '../types.js';
import { catalogListCommand } from './catalog-list.js';

/** Admin commands, each allowed as the caller's catalog roles say. */
export const adminCommands: AccessCommand[] = [catalogListCommand];
