import type { App } from '@slack/bolt';
import type { SlackContext } from '../../context.js';
import * as directoryEvents from '../events/index.js';
import * as appHomeOpened from './app-home-opened.js';
import * as doneWithAssignment from './done-with-assignment.js';
import * as extendAssignment from './extend-assignment.js';
import * as extendJustification from './extend-justification.js';
import * as homePage from './home-page.js';
import * as reviewKeep from './review-keep.js';
import * as reviewReason from './review-reason.js';
import * as reviewRemove from './review-remove.js';

/** Listeners (actions, view submissions, events) of the portal surface, and the directory events. */
export function register(app: App, ctx: SlackContext): void {
  appHomeOpened.register(app, ctx);
  homePage.register(app, ctx);
  extendAssignment.register(app, ctx);
  extendJustification.register(app, ctx);
  doneWithAssignment.register(app, ctx);
  reviewKeep.register(app, ctx);
  reviewRemove.register(app, ctx);
  reviewReason.register(app, ctx);
  directoryEvents.register(app, ctx);
}
