import { and, asc, desc, eq, inArray, isNull } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Db } from '../../db/client.js';
import {
  type AccessPackage,
  accessPackages,
  assignments,
  type Policy,
  policies,
  requests,
  type User,
} from '../../db/schema.js';
import { answerErrorsMessage, checkAnswers } from '../../domain/answers.js';
import { GatehouseError, person, sentence } from '../../domain/errors.js';
import { checkTimeline, formatDuration, maximumEnd, type TimelineProblem } from '../../domain/expiry.js';
import { eligibilityMessage, type PolicySettings, requestEligibility } from '../../domain/policy.js';
import {
  ACTIVE_ASSIGNMENT_STATES,
  describeRequestState,
  formatRequestId,
  OPEN_REQUEST_STATES,
} from '../../domain/states.js';
import { incompatiblePackageIds } from '../catalog/incompatibilities.js';
import { policySettingsOf } from '../catalog/policies.js';
import {
  activeAssignmentOf,
  formatDate,
  type Subject,
  subjectName,
  usergroupsOf,
} from './request-loaders.js';

const activeStates = [...ACTIVE_ASSIGNMENT_STATES];
const openStates = [...OPEN_REQUEST_STATES];

/**
 * The checks a submission or a direct assignment makes (policy, justification, answers, timeline,
 * one active assignment, one open request, separation of duties), each refusing with a sentence
 * the person can act on.
 */

export interface ChosenPolicy {
  policy: Policy;
  settings: PolicySettings;
}

/**
 * The policy a request goes under: the one asked for, which must let this user request, or the
 * highest-priority one that does. When none does, the refusal explains the most telling policy:
 * one that would let them in but is closed for requests, else the highest-priority one.
 */
export async function choosePolicy(
  tx: Db,
  pkg: AccessPackage,
  user: User & { usergroupIds?: readonly string[] },
  policyId: number | undefined,
): Promise<ChosenPolicy> {
  const rows = await tx
    .select()
    .from(policies)
    .where(and(eq(policies.packageId, pkg.id), isNull(policies.deletedAt)))
    .orderBy(asc(policies.priority), asc(policies.id));
  const requestor = {
    userId: user.id,
    kind: user.kind,
    isExternal: user.isExternal,
    deactivated: user.deactivated,
    usergroupIds: user.usergroupIds ? [...user.usergroupIds] : await usergroupsOf(tx, user.id),
  };
  const judged = rows.map((policy) => {
    const settings = policySettingsOf(policy);
    return { policy, settings, reason: requestEligibility(settings, requestor) };
  });
  let pick = judged.find((j) => j.reason === 'eligible');
  if (policyId !== undefined) {
    pick = judged.find((j) => j.policy.id === policyId);
    if (!pick) {
      throw new GatehouseError('policy.not_found', `${pkg.name} has no policy with id ${policyId}.`, {
        policyId,
      });
    }
  }
  const refusal = pick ?? judged.find((j) => j.reason === 'requests_disabled') ?? judged[0];
  const reason = refusal?.reason ?? 'admin_only';
  if (pick && reason === 'eligible') return { policy: pick.policy, settings: pick.settings };
  if (reason === 'eligible') throw new Error('unreachable: an eligible policy was not picked');
  throw new GatehouseError(
    reason === 'requests_disabled' ? 'policy.requests_disabled' : 'policy.not_eligible',
    eligibilityMessage(reason, pkg.name),
    { reason, ...(refusal ? { policyId: refusal.policy.id } : {}) },
  );
}

export function checkJustification(
  settings: PolicySettings,
  packageName: string,
  justification: string | undefined,
): void {
  if (settings.justificationRequired && !justification) {
    throw new GatehouseError(
      'policy.justification_required',
      `Say why you need ${packageName}: a business justification is required.`,
      { fields: { justification: 'Say why you need this access.' } },
    );
  }
}

export function checkRequestAnswers(
  settings: PolicySettings,
  given: Record<string, string>,
): Record<string, string> {
  const { answers, errors } = checkAnswers(settings.questions, given);
  if (Object.keys(errors).length > 0) {
    throw new GatehouseError('policy.answer_invalid', answerErrorsMessage(settings.questions, errors), {
      fields: errors,
    });
  }
  return answers;
}

/** A requested start and end: allowed by the policy, in order, not past, within the longest span. */
export function checkRequestTimeline(
  settings: PolicySettings,
  packageName: string,
  now: Date,
  startAt: Date | undefined,
  endAt: Date | undefined,
): void {
  if (!startAt && !endAt) return;
  if (!settings.customTimeline) {
    throw new GatehouseError(
      'policy.timeline_invalid',
      `${packageName} doesn't let you pick dates: leave the start and end empty.`,
      { problem: 'custom_timeline_off', fields: { [startAt ? 'startAt' : 'endAt']: 'Leave this empty.' } },
    );
  }
  const problem = checkTimeline(settings.expiry, now, startAt ?? null, endAt ?? null);
  if (!problem) return;
  const sentence = timelineSentence(problem, settings, packageName, startAt ?? now);
  const field = problem === 'start_in_past' ? 'startAt' : 'endAt';
  throw new GatehouseError('policy.timeline_invalid', sentence, { problem, fields: { [field]: sentence } });
}

function timelineSentence(
  problem: TimelineProblem,
  settings: PolicySettings,
  packageName: string,
  start: Date,
): string {
  switch (problem) {
    case 'start_in_past':
      return 'The start date is in the past: pick today or a later date.';
    case 'end_in_past':
      return 'The end date is in the past: pick a later date.';
    case 'end_before_start':
      return 'The end date is before the start date: pick an end after the start.';
    case 'end_past_maximum': {
      const max = maximumEnd(settings.expiry, start);
      return `${packageName} can be held for ${formatDuration(settings.expiry)} at most: pick an end on or before ${max ? formatDate(max) : 'the policy end'}.`;
    }
  }
}

export async function refuseIfAssigned(tx: Db, subject: Subject, pkg: AccessPackage): Promise<void> {
  const active = await activeAssignmentOf(tx, subject.userId, pkg.id);
  if (!active) return;
  const until = active.endsAt ? `, until ${formatDate(active.endsAt)}` : '';
  throw new GatehouseError(
    'request.already_assigned',
    sentence`${subjectName(subject)} already ${subject.self ? 'have' : 'has'} ${pkg.name}${until}.`,
    { assignmentId: active.id, packageId: pkg.id, userId: subject.userId },
  );
}

export async function refuseIfOpenRequest(
  tx: Db,
  subject: Subject,
  pkg: Pick<AccessPackage, 'id' | 'name'>,
): Promise<void> {
  const [open] = await tx
    .select({ id: requests.id, state: requests.state })
    .from(requests)
    .where(
      and(
        eq(requests.userId, subject.userId),
        eq(requests.packageId, pkg.id),
        inArray(requests.state, openStates),
      ),
    )
    .orderBy(desc(requests.id))
    .limit(1);
  if (!open) return;
  throw new GatehouseError(
    'request.already_open',
    sentence`${subjectName(subject)} already asked for ${pkg.name}: ${formatRequestId(open.id)} is ${describeRequestState(open.state)}.`,
    { requestId: open.id, state: open.state },
  );
}

/**
 * One of the user's assignments or requests (`table`) in one of `states`, for one of
 * `packageIds`: its id and its package's name; undefined when there is none.
 */
async function firstForPackages<T extends typeof assignments | typeof requests>(
  tx: Db,
  table: T,
  states: readonly T['state']['_']['data'][],
  userId: string,
  packageIds: readonly number[],
): Promise<{ id: number; name: string } | undefined> {
  const [row] = await tx
    .select({ id: table.id, name: accessPackages.name })
    // Either table: drizzle can't type a join from a generic one.
    .from(table as PgTable)
    .innerJoin(accessPackages, eq(accessPackages.id, table.packageId))
    .where(
      and(
        eq(table.userId, userId),
        inArray(table.packageId, [...packageIds]),
        inArray(table.state, [...states]),
      ),
    )
    .limit(1);
  return row;
}

/**
 * Separation of duties: refuses when the user holds, or has an open request for, a package
 * marked incompatible with this one (pairs are stored once, in either column).
 */
export async function refuseIfIncompatible(tx: Db, subject: Subject, pkg: AccessPackage): Promise<void> {
  const others = await incompatiblePackageIds(tx, pkg.id);
  if (others.length === 0) return;
  const held = await firstForPackages(tx, assignments, activeStates, subject.userId, others);
  const who = subjectName(subject);
  if (held) {
    throw new GatehouseError(
      'package.incompatible',
      sentence`${pkg.name} can't be combined with ${held.name}, and ${who} ${subject.self ? 'have' : 'has'} ${held.name}. Remove ${held.name} first, or ask an admin.`,
      { packageId: pkg.id, conflictingPackage: held.name },
    );
  }
  const pending = await firstForPackages(tx, requests, openStates, subject.userId, others);
  if (pending) {
    throw new GatehouseError(
      'package.incompatible',
      sentence`${pkg.name} can't be combined with ${pending.name}, and ${subject.self ? 'your' : person(subject.userId)}${subject.self ? '' : "'s"} request ${formatRequestId(pending.id)} for ${pending.name} is open. Cancel it first, or ask an admin.`,
      { packageId: pkg.id, conflictingPackage: pending.name, requestId: pending.id },
    );
  }
}
