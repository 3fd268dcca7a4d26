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
  ) {
    super(message);
    this.name = 'ConnectorError';
  }
}

/** Both calls are idempotent: granting a member or revoking a non-member succeeds. */
export interface Connector {
  grant(target: ProvisioningTarget): Promise<void>;
  revoke(target: ProvisioningTarget): Promise<void>;
}

export type ConnectorRegistry = Record<Resource['kind'], Connector>;
