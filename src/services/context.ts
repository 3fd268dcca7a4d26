import type { Clock } from '../clock.js';
import type { ConnectorRegistry } from '../connectors/port.js';
import type { Database } from '../db/client.js';
import type { NetworkTargets } from '../domain/network-targets.js';
import type { Logger } from '../logger.js';
import type { WakeJob } from './tx.js';

/** Everything a service needs, passed in: tests swap the clock, the connectors and the database. */
export interface EngineDeps {
  database: Database;
  clock: Clock;
  adminUserIds: readonly string[];
  connectors: ConnectorRegistry;
  log: Logger;
  /** Where webhooks may point (WEBHOOK_ALLOWED_NETWORKS); internal addresses are refused when unset. */
  webhookTargets?: NetworkTargets;
  /** The LDAP directory's base DN when LDAP_URL is set: LDAP groups can be registered only then. */
  ldapBaseDn?: string;
  /** Rows per statement set in batch services (expiry). */
  batchSize?: number;
  /**
   * When set, grants and revokes a person's action queued are handed here instead of being
   * delivered before the service returns: the Slack app acks at once and delivers just after.
   * Given when the deps are built (src/runtime.ts), never patched on afterwards.
   */
  readonly deliverLater?: (fulfilmentIds: readonly number[], preclaimed: boolean) => void;
  /**
   * Told after a transaction commits which jobs its writes left work for (services/tx.ts
   * `wakeAfterCommit`): the runtime runs just those jobs soon. Unset (engine tests): nothing is woken.
   */
  readonly wake?: (jobs: ReadonlySet<WakeJob>) => void;
}

declare const SYSTEM_ACTOR: unique symbol;

/** A person, by Slack user id: whatever a payload or typed text names is one of these. */
export interface PersonActor {
  readonly userId: string;
}

/** Gatehouse itself (jobs, Slack events). Its type can only be had from SYSTEM. */
export interface SystemActor {
  readonly userId: 'system';
  readonly [SYSTEM_ACTOR]: true;
}

/** Who is asking. Jobs act as SYSTEM. */
export type Actor = PersonActor | SystemActor;

/**
 * The one system actor, recognised by identity: no Slack payload, typed text or copy of it
 * (not even `{ userId: 'system' }` or a spread of SYSTEM) holds its rights.
 */
export const SYSTEM: SystemActor = Object.freeze({ userId: 'system' }) as SystemActor;

export function isSystemActor(actor: Actor): actor is SystemActor {
  return actor === SYSTEM;
}
