import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import { SlackApiError } from './api-error.js';

/** Slack accepts a trigger_id once, within three seconds of the interaction. */
export const TRIGGER_TTL_MS = 3_000;

export interface Trigger {
  id: string;
  userId: string;
  /** Set when the interaction came from inside a modal: only such a trigger may views.push. */
  viewId?: string;
  issuedAtMs: number;
  used: boolean;
}

export class TriggerRegistry {
  private readonly triggers = new Map<string, Trigger>();
  private sequence = 0;

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number = TRIGGER_TTL_MS,
  ) {}

  issue(userId: string, viewId?: string): string {
    this.sequence += 1;
    const issuedAtMs = this.clock.now().getTime();
    const id = `${Math.floor(issuedAtMs / 1000)}${this.sequence}.${1000 + this.sequence}.${randomBytes(10).toString('hex')}`;
    this.triggers.set(id, { id, userId, viewId, issuedAtMs, used: false });
    return id;
  }

  /** Uses the trigger up, or refuses it the way views.open does. */
  consume(id: string): Trigger {
    const trigger = this.triggers.get(id);
    if (!trigger || trigger.used) {
      throw SlackApiError.withMessages('invalid_trigger_id', [
        trigger ? '[ERROR] trigger_id was already used' : '[ERROR] trigger_id is unknown',
      ]);
    }
    if (this.clock.now().getTime() - trigger.issuedAtMs > this.ttlMs) {
      throw new SlackApiError('expired_trigger_id');
    }
    trigger.used = true;
    return trigger;
  }

  reset(): void {
    this.triggers.clear();
  }
}
