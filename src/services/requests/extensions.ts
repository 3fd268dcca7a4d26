import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { type Assignment, assignments, policies, requests } from '../../db/schema.js';
import { GatehouseError } from '../../domain/errors.js';
import { type ExtensionRefusal, extensionRefusal } from '../../domain/expiry.js';
import type { PolicySettings } from '../../domain/policy.js';
import { ACTIVE_ASSIGNMENT_STATES, formatRequestId, type RequestState } from '../../domain/states.js';
import { policySettingsOf } from '../catalog/policies.js';
import type { Actor, EngineDeps } from '../context.js';
import { applyExtension } from '../lifecycle/assignment-writer.js';
import { inTransaction } from '../tx.js';
import { parseInput } from '../validate.js';
import { openStage, planStages } from './approval-stages.js';
import { checkJustification, refuseIfOpenRequest } from './request-checks.js';
import { idSchema, optionalText } from './request-inputs.js';
import { formatDate, lockUser, packageName, snapshotOf } from './request-loaders.js';
import { createRequest } from './request-writer.js';

const extendInput = z
  .object({
    assignmentId: idSchema.optional(),
    packageId: idSchema.optional(),
    justification: optionalText(2000, 'justification'),
  })
  .refine((v) => v.assignmentId !== undefined || v.packageId !== undefined, {
    message: 'say which access to extend',
    path: ['packageId'],
  });

export interface ExtendResult {
  assignmentId: number;
  /** True when the new end applies now; false when an extension request waits for approval. */
  extended: boolean;
  endsAt?: Date | null;
  extensionCount?: number;
  requestId?: number;
  request?: string;
  state?: RequestState;
}

/**
 * The holder asks for more time on their assignment. Under the policy it was granted under (the
 * request's snapshot, else the current policy) it may be refused, go through the approval stages
 * as a `user_extend` request, or apply at once to the SAME assignment.
 */
export async function extendAssignment(
  deps: EngineDeps,
  actor: Actor,
  input: unknown,
): Promise<ExtendResult> {
  const parsed = parseInput(extendInput, input);
  return inTransaction(deps, async (tx, now) => {
    const subject = { userId: actor.userId, self: true };
    const user = await lockUser(tx, subject);
    const [assignment] = await tx
      .select()
      .from(assignments)
      .where(
        and(
          eq(assignments.userId, actor.userId),
          inArray(assignments.state, [...ACTIVE_ASSIGNMENT_STATES]),
          parsed.assignmentId !== undefined ? eq(assignments.id, parsed.assignmentId) : undefined,
          parsed.packageId !== undefined ? eq(assignments.packageId, parsed.packageId) : undefined,
        ),
      )
      .for('update');
    if (!assignment) {
      const what = parsed.packageId !== undefined ? await packageName(tx, parsed.packageId) : 'that access';
      throw new GatehouseError(
        'assignment.not_found',
        `You don't have ${what}, so there is nothing to extend.`,
      );
    }
    const name = await packageName(tx, assignment.packageId);
    const governing = await governingPolicy(tx, assignment);
    const refusal = governing
      ? extensionRefusal(governing.settings.extension, assignment, now)
      : 'not_allowed';
    if (refusal || !governing) {
      throw new GatehouseError(
        'assignment.extension_not_allowed',
        refusalSentence(refusal ?? 'not_allowed', name, assignment, governing?.settings ?? null),
        { refusal, assignmentId: assignment.id },
      );
    }
    const { settings } = governing;
    const pkg = { id: assignment.packageId, name };
    await refuseIfOpenRequest(tx, subject, pkg);

    if (!settings.extension.requiresApproval || settings.approvalStages.length === 0) {
      const applied = await applyExtension(tx, now, actor, assignment, name, settings, null);
      return { assignmentId: assignment.id, extended: true, ...applied };
    }

    checkJustification(settings, name, parsed.justification);
    const stages = await planStages(tx, settings, user.id, name);
    const ref = await createRequest(
      tx,
      now,
      actor,
      {
        packageId: assignment.packageId,
        policyId: governing.policyId,
        policyVersion: governing.policyVersion,
        policySnapshot: settings,
        type: 'user_extend',
        state: 'submitted',
        userId: user.id,
        justification: parsed.justification ?? null,
        assignmentId: assignment.id,
      },
      { packageName: name, stages: stages.length, audit: { justification: parsed.justification ?? null } },
    );
    await openStage(tx, now, actor, ref, name, settings, 1, { given: stages[0] });
    return {
      assignmentId: assignment.id,
      extended: false,
      requestId: ref.id,
      request: formatRequestId(ref.id),
      state: 'pending_approval' as RequestState,
    };
  });
}

/** The policy an assignment's extension follows: its request's snapshot, else the current policy. */
async function governingPolicy(
  tx: Db,
  assignment: Assignment,
): Promise<{ settings: PolicySettings; policyId: number | null; policyVersion: number | null } | null> {
  if (assignment.requestId !== null) {
    const [request] = await tx
      .select({
        policySnapshot: requests.policySnapshot,
        policyId: requests.policyId,
        policyVersion: requests.policyVersion,
      })
      .from(requests)
      .where(eq(requests.id, assignment.requestId));
    const settings = request ? snapshotOf(request) : null;
    if (request && settings)
      return { settings, policyId: request.policyId, policyVersion: request.policyVersion };
  }
  if (assignment.policyId === null) return null;
  const [policy] = await tx.select().from(policies).where(eq(policies.id, assignment.policyId));
  return policy
    ? { settings: policySettingsOf(policy), policyId: policy.id, policyVersion: policy.version }
    : null;
}

function refusalSentence(
  refusal: ExtensionRefusal,
  name: string,
  assignment: Assignment,
  settings: PolicySettings | null,
): string {
  switch (refusal) {
    case 'not_allowed':
      return `${name} can't be extended: its policy doesn't allow extensions. Ask an admin, or request it again when it ends.`;
    case 'never_expires':
      return `Your ${name} access doesn't expire, so there is nothing to extend.`;
    case 'max_reached': {
      const max = settings?.extension.maxCount ?? 0;
      return `You have already extended ${name} ${max === 1 ? 'once' : `${max} times`}, the most its policy allows. Ask an admin.`;
    }
    case 'too_early': {
      const fraction = settings?.extension.windowFraction ?? 0;
      const start = assignment.startsAt.getTime();
      const opensAt = new Date(start + (assignment.endsAt!.getTime() - start) * fraction);
      return `It's too early to extend ${name}: you can ask from ${formatDate(opensAt)} on.`;
    }
  }
}
