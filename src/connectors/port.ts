import type { Resource } from '../db/schema.js';

/** What a connector is asked to do: give or take one user one role on one resource. */
export interface ProvisioningTarget {
  resource: Pick<Resource, 'id' | 'kind' | 'externalId' | 'name' | 'webhookUrl' | 'webhookSecret'>;
  role: string;
  userId: string;
  assignmentId: number;
  packageId: number;
  packageName: string;
  /** Stable per fulfilment, so a receiver can drop duplicates. */
  deliveryId: string;
}

/**
 * A failure a connector reports. `retryable` failures are tried again later with backoff;
 * the others are recorded and an admin is told what to do (`message` says it).
 */
export class ConnectorError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly code = 'connector_failed',
    /** Slack answered 429: try again after this long. Not a failed try (nothing was done). */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ConnectorError';
  }
}

/** One grant or revoke of a batch for one resource. */
export interface MembershipChange {
  action: 'grant' | 'revoke';
  target: ProvisioningTarget;
}

/** What became of one change of a batch: done, or failed for that user alone (Slack said which). */
export type ChangeOutcome = { ok: true } | { ok: false; error: ConnectorError };

/**
 * Both calls are idempotent: granting a member or revoking a non-member succeeds.
 * `applyBatch` (optional) applies many changes to one resource in as few calls as Slack's methods
 * allow; it answers one outcome per change, in order, or throws a ConnectorError when the whole
 * batch failed (Slack did not say which user). `whenReady` resolves when a batch could start
 * without waiting on Slack's limits, so the caller gathers what arrives meanwhile into it.
 */
export interface Connector {
  grant(target: ProvisioningTarget): Promise<void>;
  revoke(target: ProvisioningTarget): Promise<void>;
  applyBatch?(
    resource: ProvisioningTarget['resource'],
    changes: readonly MembershipChange[],
  ): Promise<ChangeOutcome[]>;
  whenReady?(resource: ProvisioningTarget['resource']): Promise<void>;
}

export type ConnectorRegistry = Record<Resource['kind'], Connector>;
