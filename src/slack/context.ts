import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { EngineDeps } from '../services/context.js';
import type { Installation } from './installation.js';

/** What every listener gets: the engine's dependencies and a way to nudge the jobs. */
export interface SlackContext {
  engine: EngineDeps;
  log: Logger;
  /** Real time, for transport checks; domain time is engine.clock. */
  wallClock: Clock;
  /**
   * Called after a change that queued deliveries or DMs: runs the delivery and outbox jobs now
   * instead of at the next tick, without making the person wait for them.
   */
  afterChange(): void;
  /** This installation's workspace and bot, as auth.test said at start-up; null until it has. */
  installation(): Installation | null;
}
