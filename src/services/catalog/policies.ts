import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { type AccessPackage, assignments, type Policy, policies, usergroupMembers } from '../../db/schema.js';
import { GatehouseError } from '../../domain/errors.js';
import { type PolicySettings, policySettingsSchema } from '../../domain/policy.js';
import { ACTIVE_ASSIGNMENT_STATES } from '../../domain/states.js';
import { audit } from '../audit.js';
import { requirePermission } from '../authz.js';
import type { Actor, EngineDeps } from '../context.js';
import { inTransaction } from '../tx.js';
import { parseInput } from '../validate.js';
import { idSchema, loadPackage, loadPolicy } from './loaders.js';

const SETTINGS_KEYS = Object.keys(policySettingsSchema.shape) as (keyof PolicySettings)[];
const prioritySchema = z.number().int().min(1).max(100);

const createPolicyInput = policySettingsSchema.extend({
  packageId: idSchema,
  priority: prioritySchema.optional(),
});

/** Every settings field may be given; the rest keep their stored value. Unknown fields are refused. */
const editPolicyInput = z
  .object({
    policyId: idSchema,
    priority: prioritySchema.optional(),
    ...Object.fromEntries(SETTINGS_KEYS.map((key) => [key, z.unknown().optional()])),
  })
  .strict();

const policyIdInput = z.object({ policyId: idSchema });
const packageIdInput = z.object({ packageId: idSchema });
export interface PolicyResult {
  policy: Policy;
  /** Things that save but will surprise someone later (the wizard shows them). */
  warnings: string[];
}

/** The settings a policy row holds, in the shape requests snapshot. */
export function policySettingsOf(row: Policy): PolicySettings {
  return policySettingsSchema.parse({
    name: row.name,
    requestorScope: row.requestorScope,
    requestorUserIds: row.requestorUserIds,
    requestorUsergroupIds: row.requestorUsergroupIds,
    allowExternalRequestors: row.allowExternalRequestors,
    requestsEnabled: row.requestsEnabled,
    justificationRequired: row.justificationRequired,
    approvalStages: row.approvalStages,
    questions: row.questions,
    expiry: row.expiry,
    customTimeline: row.customTimeline,
    extension: row.extension,
    reminderOffsetsHours: row.reminderOffsetsHours,
    review: row.review,
  });
}

/** The policies row's columns for a set of settings. */
export function policyColumns(s: PolicySettings) {
  return {
    name: s.name,
    requestorScope: s.requestorScope,
    requestorUserIds: s.requestorUserIds,
    requestorUsergroupIds: s.requestorUsergroupIds,
    allowExternalRequestors: s.requestorScope === 'specific' && s.allowExternalRequestors,
    requestsEnabled: s.requestsEnabled,
    justificationRequired: s.justificationRequired,
    approvalStages: s.approvalStages,
    questions: s.questions,
    expiry: s.expiry,
    customTimeline: s.customTimeline,
    extension: s.extension,
    reminderOffsetsHours: s.reminderOffsetsHours,
    review: s.review,
  };
}

/**
 * Refuses a stage nobody can approve; warns when a requestor is the only approver of a stage
 * without fallbacks (such a request is refused at submit) and when nobody can request.
 */
export async function checkPolicySettings(tx: Db, settings: PolicySettings): Promise<string[]> {
  const warnings: string[] = [];
  for (const [index, stage] of settings.approvalStages.entries()) {
    if (stage.approverUserIds.length === 0 && stage.approverUsergroupIds.length === 0) {
      throw new GatehouseError(
        'policy.no_approvers',
        `Approval stage ${index + 1} has no approvers: add at least one person or user group.`,
        { stage: index + 1 },
      );
    }
  }
  for (const [index, stage] of settings.approvalStages.entries()) {
    const onlyApprover = stage.approverUserIds.length === 1 ? stage.approverUserIds[0]! : null;
    const hasFallback = stage.fallbackUserIds.length > 0 || stage.fallbackUsergroupIds.length > 0;
    if (!onlyApprover || stage.approverUsergroupIds.length > 0 || hasFallback) continue;
    if (await mayRequest(tx, settings, onlyApprover)) {
      warnings.push(
        `<@${onlyApprover}> is the only approver of stage ${index + 1} and can also request this package: ` +
          'their own requests would be refused. Add a fallback approver.',
      );
    }
  }
  if (
    settings.requestorScope === 'specific' &&
    settings.requestorUserIds.length === 0 &&
    settings.requestorUsergroupIds.length === 0
  ) {
    warnings.push('Nobody can request under this policy yet: add people or user groups who may request.');
  }
  return warnings;
}

async function mayRequest(tx: Db, settings: PolicySettings, userId: string): Promise<boolean> {
  if (settings.requestorScope === 'all_members') return true;
  if (settings.requestorScope === 'none') return false;
  if (settings.requestorUserIds.includes(userId)) return true;
  if (settings.requestorUsergroupIds.length === 0) return false;
  const [row] = await tx
    .select({ userId: usergroupMembers.userId })
    .from(usergroupMembers)
    .where(
      and(
        eq(usergroupMembers.userId, userId),
        inArray(usergroupMembers.usergroupId, settings.requestorUsergroupIds),
      ),
    )
    .limit(1);
  return Boolean(row);
}

/**
 * Adds a policy to a package in the caller's transaction, at `priority` (default: last),
 * renumbering the others so priorities stay 1..n. The caller has checked permission.
 */
export async function writeNewPolicy(
  tx: Db,
  now: Date,
  actor: Actor,
  pkg: AccessPackage,
  settings: PolicySettings,
  priority?: number,
): Promise<PolicyResult> {
  const warnings = await checkPolicySettings(tx, settings);
  const [inserted] = await tx
    .insert(policies)
    .values({ packageId: pkg.id, priority: 1000, ...policyColumns(settings), createdAt: now, updatedAt: now })
    .returning();
  const finalPriority = await placePolicy(tx, pkg.id, inserted!.id, priority ?? Number.MAX_SAFE_INTEGER);
  await audit(tx, now, actor, {
    action: 'policy.created',
    catalogId: pkg.catalogId,
    packageId: pkg.id,
    data: { policyId: inserted!.id, priority: finalPriority, settings },
  });
  return { policy: { ...inserted!, priority: finalPriority }, warnings };
}

/** Moves a policy to `desired` (clamped) and renumbers the package's policies 1..n. */
async function placePolicy(tx: Db, packageId: number, policyId: number, desired: number): Promise<number> {
  const rows = await tx
    .select({ id: policies.id, priority: policies.priority })
    .from(policies)
    .where(and(eq(policies.packageId, packageId), isNull(policies.deletedAt)))
    .orderBy(asc(policies.priority), asc(policies.id));
  const others = rows.filter((r) => r.id !== policyId);
  const moving = rows.find((r) => r.id === policyId);
  const ordered = [...others];
  if (moving) ordered.splice(Math.min(Math.max(desired, 1), others.length + 1) - 1, 0, moving);
  for (const [index, row] of ordered.entries()) {
    if (row.priority !== index + 1) {
      await tx
        .update(policies)
        .set({ priority: index + 1 })
        .where(eq(policies.id, row.id));
    }
  }
  return moving ? ordered.indexOf(moving) + 1 : 0;
}

/** Adds a policy to a package (package managers, catalog owners, admins). */
export async function createPolicy(deps: EngineDeps, actor: Actor, input: unknown): Promise<PolicyResult> {
  const { packageId, priority, ...settings } = parseInput(createPolicyInput, input);
  return inTransaction(deps, async (tx, now) => {
    const pkg = await loadPackage(tx, packageId);
    await requirePermission(tx, deps, actor, pkg.catalogId, 'package.manage');
    return writeNewPolicy(tx, now, actor, pkg, settings, priority);
  });
}

/**
 * Changes a policy's settings (bumping its version) or its priority. Requests already
 * submitted keep the snapshot they were submitted under, so nothing else is touched.
 */
export async function editPolicy(deps: EngineDeps, actor: Actor, input: unknown): Promise<PolicyResult> {
  const parsed = parseInput(editPolicyInput, input) as { policyId: number; priority?: number } & Record<
    string,
    unknown
  >;
  const changes = Object.fromEntries(
    SETTINGS_KEYS.filter((key) => parsed[key] !== undefined).map((key) => [key, parsed[key]]),
  );
  return inTransaction(deps, async (tx, now) => {
    const { policy, pkg } = await loadPolicy(tx, parsed.policyId);
    await requirePermission(tx, deps, actor, pkg.catalogId, 'package.manage');
    return writePolicyChanges(tx, now, actor, { policy, pkg }, changes, parsed.priority);
  });
}

/**
 * editPolicy in the caller's transaction (the caller has checked permission): the settings
 * given replace the stored ones (the rest stay), bumping the version when any differ.
 */
export async function writePolicyChanges(
  tx: Db,
  now: Date,
  actor: Actor,
  { policy, pkg }: { policy: Policy; pkg: AccessPackage },
  changes: Partial<Record<keyof PolicySettings, unknown>>,
  priority?: number,
): Promise<PolicyResult> {
  const before = policySettingsOf(policy);
  const after = parseInput(policySettingsSchema, { ...before, ...changes });
  const changedKeys = SETTINGS_KEYS.filter(
    (key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]),
  );
  const warnings = await checkPolicySettings(tx, after);
  let current = policy;
  if (changedKeys.length > 0) {
    const [updated] = await tx
      .update(policies)
      .set({ ...policyColumns(after), version: policy.version + 1, updatedAt: now })
      .where(eq(policies.id, policy.id))
      .returning();
    current = updated!;
  }
  if (priority !== undefined && priority !== policy.priority) {
    current = { ...current, priority: await placePolicy(tx, pkg.id, policy.id, priority) };
  }
  const priorityChanged = current.priority !== policy.priority;
  if (changedKeys.length === 0 && !priorityChanged) return { policy: current, warnings };
  const pick = (s: PolicySettings) => Object.fromEntries(changedKeys.map((key) => [key, s[key]]));
  await audit(tx, now, actor, {
    action: 'policy.edited',
    catalogId: pkg.catalogId,
    packageId: pkg.id,
    data: {
      policyId: policy.id,
      version: current.version,
      from: { ...pick(before), ...(priorityChanged ? { priority: policy.priority } : {}) },
      to: { ...pick(after), ...(priorityChanged ? { priority: current.priority } : {}) },
    },
  });
  return { policy: current, warnings };
}

/**
 * Deletes a policy. A package keeps at least one, and a policy people hold access under stays
 * (their extensions and reviews follow it).
 */
export async function deletePolicy(
  deps: EngineDeps,
  actor: Actor,
  input: unknown,
): Promise<{ policyId: number }> {
  const { policyId } = parseInput(policyIdInput, input);
  return inTransaction(deps, async (tx, now) => {
    const { policy, pkg } = await loadPolicy(tx, policyId);
    await requirePermission(tx, deps, actor, pkg.catalogId, 'package.manage');
    const [{ live } = { live: 0 }] = await tx
      .select({ live: sql<number>`count(*)::int` })
      .from(policies)
      .where(and(eq(policies.packageId, pkg.id), isNull(policies.deletedAt)));
    if (Number(live) <= 1) {
      throw new GatehouseError(
        'policy.last_policy',
        `${policy.name} is the only policy of ${pkg.name}: a package keeps at least one. Edit it instead, or add another first.`,
      );
    }
    const [{ active } = { active: 0 }] = await tx
      .select({ active: sql<number>`count(*)::int` })
      .from(assignments)
      .where(
        and(eq(assignments.policyId, policyId), inArray(assignments.state, [...ACTIVE_ASSIGNMENT_STATES])),
      );
    if (Number(active) > 0) {
      throw new GatehouseError(
        'policy.in_use',
        `${Number(active)} ${Number(active) === 1 ? 'person holds' : 'people hold'} ${pkg.name} under ${policy.name}. Remove those assignments first, or let them end.`,
        { activeAssignments: Number(active) },
      );
    }
    await tx.update(policies).set({ deletedAt: now, updatedAt: now }).where(eq(policies.id, policyId));
    await placePolicy(tx, pkg.id, -1, 0);
    await audit(tx, now, actor, {
      action: 'policy.deleted',
      catalogId: pkg.catalogId,
      packageId: pkg.id,
      data: { policyId, name: policy.name },
    });
    return { policyId };
  });
}

/** A package's policies, highest priority first. */
export async function listPolicies(deps: EngineDeps, actor: Actor, input: unknown): Promise<Policy[]> {
  const { packageId } = parseInput(packageIdInput, input);
  return inTransaction(deps, async (tx) => {
    const pkg = await loadPackage(tx, packageId);
    await requirePermission(tx, deps, actor, pkg.catalogId, 'catalog.read');
    return tx
      .select()
      .from(policies)
      .where(and(eq(policies.packageId, packageId), isNull(policies.deletedAt)))
      .orderBy(asc(policies.priority), asc(policies.id));
  });
}
