import type { AccessCommand } from '../types.js';

/** Requesting, approving and canceling: `request`, `approvals`, `cancel`. */
export const requestCommands: AccessCommand[] = [];
