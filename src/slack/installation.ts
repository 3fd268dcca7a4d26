import type { Authorize } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../logger.js';

/** Who Gatehouse is in Slack: its workspace (and Enterprise Grid org) and its bot user. */
export interface Installation {
  teamId: string;
  enterpriseId: string | null;
  botUserId: string;
  botId: string | null;
}

export interface InstallationIdentity {
  /** The installation as Slack last said, or null while it has not answered yet. */
  current(): Installation | null;
  /** Asks Slack once (auth.test) and keeps asking in the background until it answers; never throws. */
  start(): Promise<void>;
  stop(): void;
  /** Bolt's authorize: the bot token with what is known, never a Web API call on an ack path. */
  authorize: Authorize<boolean>;
}

/** The identity hardly ever changes: asked again twice a day. */
const REFRESH_MS = 12 * 3_600_000;
const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 60_000;

/**
 * Resolves the bot's identity at start-up rather than per request: Bolt with a single token
 * calls auth.test on every request when token verification is off, so a rate-limited auth.test
 * silenced every answer. Here a failed call only delays knowing the identity.
 */
export function installationIdentity(options: {
  client: WebClient;
  botToken: string;
  log: Logger;
}): InstallationIdentity {
  let known: Installation | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let retryMs = RETRY_MIN_MS;

  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(() => void ask(), ms);
    timer.unref();
  };

  async function ask(): Promise<void> {
    try {
      const result = await options.client.auth.test({ token: options.botToken });
      if (!result.team_id || !result.user_id)
        throw new Error('auth.test answered without team_id or user_id');
      known = {
        teamId: result.team_id,
        enterpriseId: result.enterprise_id || null,
        botUserId: result.user_id,
        botId: result.bot_id ?? null,
      };
      retryMs = RETRY_MIN_MS;
      schedule(REFRESH_MS);
    } catch (error) {
      options.log.warn(
        { err: error instanceof Error ? error.message : String(error), retryInMs: retryMs },
        'auth.test failed: the installation is not known yet',
      );
      schedule(retryMs);
      retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
    }
  }

  return {
    current: () => known,
    start: () => ask(),
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
    authorize: async () => ({
      botToken: options.botToken,
      ...(known
        ? {
            botUserId: known.botUserId,
            teamId: known.teamId,
            ...(known.botId ? { botId: known.botId } : {}),
            ...(known.enterpriseId ? { enterpriseId: known.enterpriseId } : {}),
          }
        : {}),
    }),
  };
}

/**
 * Whether a payload's workspace is this installation's: its own team, or (on Enterprise Grid)
 * any workspace of the same org. Unknown while Slack has not told us who we are: callers refuse.
 */
export function isOwnWorkspace(
  installation: Installation | null,
  origin: { teamId?: string | null | undefined; enterpriseId?: string | null | undefined },
): boolean | null {
  if (!installation) return null;
  if (installation.enterpriseId && origin.enterpriseId === installation.enterpriseId) return true;
  return origin.teamId === installation.teamId;
}
