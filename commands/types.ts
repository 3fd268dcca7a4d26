import type { KnownBlock, ModalView } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { RequestablePackage } from '../src/services/catalog/catalog-queries.js';
import type { EngineDeps } from '../src/services/context.js';
import type { RequestStanding } from '../src/services/requests/request-queries.js';

/** What a sub-command answers: an ephemeral message, or nothing when it opened a modal. */
export type CommandReply = { text: string; blocks?: KnownBlock[] } | null;

/**
 * What the Slack layer lends a sub-command for the call: its Web API client and trigger, and the
 * interactions that Slack-side modules own (the request modal, the package wizard). Commands
 * never import src/slack; the /access listener (src/slack/listeners/commands/access.ts) builds
 * this and runs them.
 */
export interface CommandSlack {
  client: WebClient;
  triggerId: string;
  /** Asks Slack who this person is (users.info), so the engine knows someone not met yet. */
  lookUpUser(userId: string): Promise<void>;
  openModal(view: ModalView): Promise<void>;
  /**
   * The request form for a package this person may request; refuses when they have it or asked
   * (from `standing` when the command read it already, else it is read).
   */
  openRequestModal(entry: RequestablePackage, standing?: RequestStanding): Promise<void>;
  /** The package wizard: a new package, or editing the one named; refuses when this person may not. */
  openPackageWizard(packageText?: string): Promise<void>;
}

/**
 * One `/access` sub-command call. A refusal is thrown (a GatehouseError), never returned: the
 * listener's error boundary (src/slack/refusals.ts) shows it.
 */
export interface CommandCall {
  engine: EngineDeps;
  userId: string;
  /** The words after the sub-command, as Slack sent them (`&lt;` for a typed `<`). */
  args: string;
  channelId: string;
  slack: CommandSlack;
}

export interface AccessCommand {
  /** The sub-command word(s): `list`, `package new`. */
  name: string;
  aliases?: readonly string[];
  usage: string;
  summary: string;
  audience: 'everyone' | 'admin';
  run(call: CommandCall): Promise<CommandReply>;
}
