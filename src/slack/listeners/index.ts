import type { App } from '@slack/bolt';
import type { SlackContext } from '../context.js';
import * as accessCommand from './commands/access.js';

/** Wires every listener; each module registers its own ids (views/ids.ts). */
export function registerListeners(app: App, ctx: SlackContext): void {
  accessCommand.register(app, ctx);
}
