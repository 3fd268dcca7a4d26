import type { App } from '@slack/bolt';
import type { SlackContext } from '../context.js';
import * as admin from './admin/index.js';
import * as accessCommand from './commands/access.js';
import * as portal from './portal/index.js';
import * as requests from './requests/index.js';

/** Wires every listener; each area registers its own ids (views/ids.ts). */
export function registerListeners(app: App, ctx: SlackContext): void {
  accessCommand.register(app, ctx);
  requests.register(app, ctx);
  portal.register(app, ctx);
  admin.register(app, ctx);
}
