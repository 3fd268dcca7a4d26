import {
  type Connector,
  ConnectorError,
  type ConnectorRegistry,
  type ProvisioningTarget,
} from '../../src/connectors/port.js';

export interface ConnectorCall {
  action: 'grant' | 'revoke';
  resourceId: number;
  externalId: string;
  role: string;
  userId: string;
  assignmentId: number;
}

/**
 * A connector for engine tests: keeps memberships in memory, records every call, and fails
 * on demand (`failNext`) so delivery failures and retries can be shown.
 */
export class RecordingConnector implements Connector {
  readonly calls: ConnectorCall[] = [];
  /** `${externalId}:${role}` → user ids. */
  readonly members = new Map<string, Set<string>>();
  private failures: { retryable: boolean; message: string; match?: (t: ProvisioningTarget) => boolean }[] =
    [];

  failNext(
    count = 1,
    options: { retryable?: boolean; message?: string; match?: (t: ProvisioningTarget) => boolean } = {},
  ) {
    for (let i = 0; i < count; i++) {
      this.failures.push({
        retryable: options.retryable ?? true,
        message: options.message ?? 'simulated outage',
        ...(options.match ? { match: options.match } : {}),
      });
    }
  }

  async grant(target: ProvisioningTarget): Promise<void> {
    this.record('grant', target);
    this.maybeFail(target);
    this.set(target).add(target.userId);
  }

  async revoke(target: ProvisioningTarget): Promise<void> {
    this.record('revoke', target);
    this.maybeFail(target);
    this.set(target).delete(target.userId);
  }

  has(externalId: string, userId: string, role = 'member'): boolean {
    return this.members.get(`${externalId}:${role}`)?.has(userId) ?? false;
  }

  registry(): ConnectorRegistry {
    return { slack_usergroup: this, slack_channel: this, webhook: this, ldap_group: this };
  }

  private record(action: 'grant' | 'revoke', t: ProvisioningTarget) {
    this.calls.push({
      action,
      resourceId: t.resource.id,
      externalId: t.resource.externalId,
      role: t.role,
      userId: t.userId,
      assignmentId: t.assignmentId,
    });
  }

  private maybeFail(target: ProvisioningTarget) {
    const index = this.failures.findIndex((f) => !f.match || f.match(target));
    if (index < 0) return;
    const [failure] = this.failures.splice(index, 1);
    throw new ConnectorError(failure!.message, failure!.retryable);
  }

  private set(t: ProvisioningTarget): Set<string> {
    const key = `${t.resource.externalId}:${t.role}`;
    let set = this.members.get(key);
    if (!set) {
      set = new Set();
      this.members.set(key, set);
    }
    return set;
  }
}
