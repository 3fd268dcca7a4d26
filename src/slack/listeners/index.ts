import type { App } from '@slack/bolt';
import { usergroupDirectory } from '../admin/usergroups.js';
import type { SlackContext } from '../context.js';
import * as approveRequest from './actions/approve-request.js';
import * as auditPage from './actions/audit-page.js';
import * as cancelRequest from './actions/cancel-request.js';
import * as choosePolicy from './actions/choose-policy.js';
import * as denyRequest from './actions/deny-request.js';
import * as doneWithAssignment from './actions/done-with-assignment.js';
import * as extendAssignment from './actions/extend-assignment.js';
import * as homePage from './actions/home-page.js';
import * as openPackageWizard from './actions/open-package-wizard.js';
import * as removeAssignment from './actions/remove-assignment.js';
import * as requestPackage from './actions/request-package.js';
import * as retryDelivery from './actions/retry-delivery.js';
import * as reviewKeep from './actions/review-keep.js';
import * as reviewRemove from './actions/review-remove.js';
import * as showPackageLists from './actions/show-package-lists.js';
import * as wizardBack from './actions/wizard-back.js';
import * as accessCommand from './commands/access.js';
import * as appHomeOpened from './events/app-home-opened.js';
import * as subteamMembersChanged from './events/subteam-members-changed.js';
import * as userChange from './events/user-change.js';
import * as pickUsergroups from './options/pick-usergroups.js';
import * as decisionReason from './views/decision-reason.js';
import * as extendJustification from './views/extend-justification.js';
import * as packageWizard from './views/package-wizard.js';
import * as requestAccess from './views/request-access.js';
import * as reviewReason from './views/review-reason.js';

/**
 * Wires every listener: one file per id it registers (views/ids.ts), by kind — the /access
 * command, actions (clicks), views (submissions), events, options (type-ahead). What they share
 * lives outside listeners/ (src/slack/{click,refusals}.ts and portal/, requests/, admin/ — the
 * package wizard's draft handling is admin/wizard/), so no listener imports another.
 */
export function registerListeners(app: App, ctx: SlackContext): void {
  const usergroups = usergroupDirectory(ctx.wallClock);
  accessCommand.register(app, ctx, usergroups);

  requestPackage.register(app, ctx);
  choosePolicy.register(app, ctx);
  approveRequest.register(app, ctx);
  denyRequest.register(app, ctx);
  cancelRequest.register(app, ctx);
  extendAssignment.register(app, ctx);
  doneWithAssignment.register(app, ctx);
  reviewKeep.register(app, ctx);
  reviewRemove.register(app, ctx);
  homePage.register(app, ctx);
  openPackageWizard.register(app, ctx, usergroups);
  showPackageLists.register(app, ctx);
  removeAssignment.register(app, ctx);
  retryDelivery.register(app, ctx);
  auditPage.register(app, ctx);
  wizardBack.register(app, ctx, usergroups);

  requestAccess.register(app, ctx);
  decisionReason.register(app, ctx);
  extendJustification.register(app, ctx);
  reviewReason.register(app, ctx);
  packageWizard.register(app, ctx, usergroups);

  appHomeOpened.register(app, ctx);
  userChange.register(app, ctx);
  subteamMembersChanged.register(app, ctx);

  pickUsergroups.register(app, ctx, usergroups);
}
