import type { Clock } from '../clock.js';
import type { ConnectorRegistry } from '../connectors/port.js';
import type { Database } from '../db/client.js';
import type { Logger } from '../logger.js';

/** Everything a service needs, passed in: tests swap the clock, the connectors and the database. */
export interface EngineDeps {
  database: Database;
  clock: Clock;
  adminUserIds: readonly string[];
  connectors: ConnectorRegistry;
  log: Logger;
  /** Rows per statement set in batch services (expiry). */
  batchSize?: number;
  /**
   * When set, grants and revokes a person's action queued are handed here instead of being
   * delivered before the service returns: the Slack app acks at once and delivers just after.
   */
  deliverLater?: (fulfilmentIds: readonly number[], preclaimed: boolean) => void;
}

/** Who is asking. Jobs act as SYSTEM. */
export interface Actor {
  userId: string;
}

export const SYSTEM: Actor = { userId: 'system' };
