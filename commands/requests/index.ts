import type { AccessCommand } from '../types.js';
import { approvalsCommand } from './approvals.js';
import { cancelCommand } from './cancel.js';
import { requestCommand } from './request.js';

/** Requesting, approving and canceling: `request`, `approvals`, `cancel`. */
export const requestCommands: AccessCommand[] = [requestCommand, cancelCommand, approvalsCommand];
