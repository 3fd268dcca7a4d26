import type { App } from '@slack/bolt';
import type { SlackContext } from '../../context.js';
import * as approveRequest from './approve-request.js';
import * as cancelRequest from './cancel-request.js';
import * as choosePolicy from './choose-policy.js';
import * as decisionReason from './decision-reason.js';
import * as denyRequest from './deny-request.js';
import * as requestAccess from './request-access.js';
import * as requestPackage from './request-package.js';

/** Listeners (actions, view submissions, events) of the requests surface. */
export function register(app: App, ctx: SlackContext): void {
  requestPackage.register(app, ctx);
  choosePolicy.register(app, ctx);
  requestAccess.register(app, ctx);
  approveRequest.register(app, ctx);
  denyRequest.register(app, ctx);
  decisionReason.register(app, ctx);
  cancelRequest.register(app, ctx);
}
