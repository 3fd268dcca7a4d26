import type { App } from '@slack/bolt';
import type { SlackContext } from '../../context.js';

/** Listeners (actions, view submissions, events) of the requests surface. */
export function register(_app: App, _ctx: SlackContext): void {}
