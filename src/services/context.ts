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
}

/** Who is asking. Jobs act as SYSTEM. */
export interface Actor {
  userId: string;
}

export const SYSTEM: Actor = { userId: 'system' };
