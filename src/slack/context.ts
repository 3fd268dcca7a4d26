import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { EngineDeps } from '../services/context.js';
import type { Installation } from './installation.js';

/**
 * What every listener gets: the engine's dependencies. Listeners never nudge the jobs: the
 * transactions that queue DMs or deliveries wake those jobs when they commit (services/tx.ts).
 */
export interface SlackContext {
  engine: EngineDeps;
  log: Logger;
  /** Real time, for transport checks; domain time is engine.clock. */
  wallClock: Clock;
  /** This installation's workspace and bot, as auth.test said at start-up; null until it has. */
  installation(): Installation | null;
}
