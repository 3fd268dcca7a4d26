import { type Actor, type EngineDeps, SYSTEM } from '../../src/services/context.js';
import { createAssignment } from '../../src/services/lifecycle/assignment-writer.js';
import { deliverFulfilments } from '../../src/services/lifecycle/delivery-runner.js';
import { inTransaction } from '../../src/services/tx.js';
import { DAY_MS } from './engine.js';

/**
 * Assignments made straight by the lifecycle writer, with no request before them: for tests of
 * what happens to access people already hold (delivery, expiry, reviews, reconciliation,
 * deleting what they hold). The one place the suites call createAssignment.
 */

export interface HeldPackage {
  packageId: number;
  name: string;
  policyId: number | null;
}

export interface HeldOptions {
  /** Days until it ends; null (the default) for no end. */
  days?: number | null;
  reminderOffsetsHours?: readonly number[];
  /** SYSTEM unless given. */
  actor?: Actor;
}

/** A delivering assignment and its pending grants (deliver them with deliverFulfilments). */
export async function createHeldAssignment(
  deps: EngineDeps,
  pkg: HeldPackage,
  userId: string,
  options: HeldOptions = {},
): Promise<{ assignmentId: number; fulfilmentIds: number[] }> {
  const days = options.days ?? null;
  return inTransaction(deps, (tx, now) =>
    createAssignment(tx, now, options.actor ?? SYSTEM, {
      userId,
      packageId: pkg.packageId,
      packageName: pkg.name,
      policyId: pkg.policyId,
      requestId: null,
      startsAt: now,
      endsAt: days === null ? null : new Date(now.getTime() + days * DAY_MS),
      reminderOffsetsHours: options.reminderOffsetsHours ?? [],
    }),
  );
}

/** An assignment whose grants were delivered; its id. */
export async function deliveredAssignment(
  deps: EngineDeps,
  pkg: HeldPackage,
  userId: string,
  options: HeldOptions = {},
): Promise<number> {
  const { assignmentId, fulfilmentIds } = await createHeldAssignment(deps, pkg, userId, options);
  await deliverFulfilments(deps, fulfilmentIds);
  return assignmentId;
}
