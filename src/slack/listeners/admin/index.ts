import type { App } from '@slack/bolt';
import type { SlackContext } from '../../context.js';
import { registerAuditPage } from './audit-page.js';
import { registerOpenWizard } from './open-wizard.js';
import { registerPackageLists } from './package-lists.js';
import { registerRemoveAssignment } from './remove-assignment.js';
import { registerRetryDelivery } from './retry-delivery.js';
import { registerUsergroupOptions, usergroupDirectory } from './usergroups.js';
import { registerWizardBack } from './wizard/back.js';
import { registerWizardSubmission } from './wizard/submission.js';

/** Listeners (actions, view submissions, options) of the admin surface. */
export function register(app: App, ctx: SlackContext): void {
  const usergroups = usergroupDirectory(ctx.wallClock);
  registerUsergroupOptions(app, ctx, usergroups);
  registerOpenWizard(app, ctx, usergroups);
  registerWizardSubmission(app, ctx, usergroups);
  registerWizardBack(app, ctx, usergroups);
  registerPackageLists(app, ctx);
  registerRemoveAssignment(app, ctx);
  registerRetryDelivery(app, ctx);
  registerAuditPage(app, ctx);
}
