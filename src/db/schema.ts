import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type {
  ApprovalStage,
  Expiry,
  ExtensionSettings,
  PolicySettings,
  Question,
  ReviewSettings,
} from '../domain/policy.js';
import { RESOURCE_KINDS } from '../domain/resource-kinds.js';
import { ASSIGNMENT_STATES, REQUEST_STATES, REQUEST_TYPES } from '../domain/states.js';

const tstz = (name?: string) =>
  name
    ? timestamp(name, { withTimezone: true, mode: 'date' })
    : timestamp({ withTimezone: true, mode: 'date' });
const createdAt = () => tstz().notNull().defaultNow();
const updatedAt = () => tstz().notNull().defaultNow();

export const userKind = pgEnum('user_kind', ['member', 'guest', 'bot']);
export const catalogRole = pgEnum('catalog_role', [
  'owner',
  'reader',
  'package_manager',
  'assignment_manager',
]);
export const resourceKind = pgEnum('resource_kind', RESOURCE_KINDS);
export const requestorScope = pgEnum('requestor_scope', ['none', 'specific', 'all_members']);
export const requestType = pgEnum('request_type', REQUEST_TYPES);
export const requestState = pgEnum('request_state', REQUEST_STATES);
export const assignmentState = pgEnum('assignment_state', ASSIGNMENT_STATES);
export const decisionKind = pgEnum('decision_kind', ['approve', 'deny']);
export const fulfilmentAction = pgEnum('fulfilment_action', ['grant', 'revoke']);
export const fulfilmentState = pgEnum('fulfilment_state', [
  'pending',
  'delivered',
  'failed',
  'abandoned',
  'skipped',
  'canceled',
]);
export const reviewerMode = pgEnum('reviewer_mode', ['self', 'specific']);
export const reviewDefault = pgEnum('review_default', ['keep', 'remove', 'recommendation']);
export const reviewState = pgEnum('review_state', ['active', 'completed', 'canceled']);
export const reviewDecisionKind = pgEnum('review_decision_kind', ['keep', 'remove']);

/** Slack users as last seen (users.info / user_change). */
export const users = pgTable('users', {
  id: text().primaryKey(),
  name: text().notNull(),
  email: text(),
  kind: userKind().notNull().default('member'),
  isExternal: boolean().notNull().default(false),
  deactivated: boolean().notNull().default(false),
  /** The DM channel from conversations.open, cached so it is opened once. */
  dmChannelId: text(),
  /** Set when the user first opens the Home tab: only they get it republished when their access changes. */
  homeOpenedAt: tstz(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const catalogs = pgTable(
  'catalogs',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    name: text().notNull(),
    description: text().notNull().default(''),
    createdBy: text().notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    /** Deleted catalogs stay for history; their names become free again. */
    deletedAt: tstz(),
  },
  (t) => [uniqueIndex('catalogs_name_key').on(sql`lower(${t.name})`).where(sql`${t.deletedAt} is null`)],
);

export const catalogRoleHolders = pgTable(
  'catalog_role_holders',
  {
    catalogId: integer()
      .notNull()
      .references(() => catalogs.id, { onDelete: 'cascade' }),
    userId: text().notNull(),
    role: catalogRole().notNull(),
    grantedBy: text().notNull(),
    grantedAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.catalogId, t.userId, t.role] }), index().on(t.userId)],
);

export const resources = pgTable(
  'resources',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    catalogId: integer()
      .notNull()
      .references(() => catalogs.id),
    kind: resourceKind().notNull(),
    /** `S…` for a user group, `C…` for a channel, a slug for a webhook. */
    externalId: text().notNull(),
    name: text().notNull(),
    /** Role names a package may grant: `member` (and `owner`) for Slack, declared names for a webhook. */
    roles: text().array().notNull(),
    webhookUrl: text(),
    webhookSecret: text(),
    /** When true, reconciliation removes members Gatehouse did not add. */
    managedExclusively: boolean().notNull().default(false),
    /** Gatehouse disabled the user group because its last member left (Slack refuses empty groups). */
    disabledByGatehouse: boolean().notNull().default(false),
    createdBy: text().notNull(),
    createdAt: createdAt(),
    removedAt: tstz(),
  },
  (t) => [
    uniqueIndex('resources_kind_external_key').on(t.kind, t.externalId).where(sql`${t.removedAt} is null`),
    index().on(t.catalogId),
  ],
);

/** Cache of Slack user group membership used for eligibility, so screens never wait on Slack. */
export const usergroupMembers = pgTable(
  'usergroup_members',
  {
    usergroupId: text().notNull(),
    userId: text().notNull(),
    syncedAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.usergroupId, t.userId] }), index().on(t.userId)],
);

export const accessPackages = pgTable(
  'access_packages',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    catalogId: integer()
      .notNull()
      .references(() => catalogs.id),
    name: text().notNull(),
    description: text().notNull().default(''),
    hidden: boolean().notNull().default(false),
    createdBy: text().notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    /** Deleted packages stay for history; their names become free again. */
    deletedAt: tstz(),
  },
  (t) => [
    uniqueIndex('access_packages_name_key').on(sql`lower(${t.name})`).where(sql`${t.deletedAt} is null`),
    index().on(t.catalogId),
  ],
);

export const packageResourceRoles = pgTable(
  'package_resource_roles',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    packageId: integer()
      .notNull()
      .references(() => accessPackages.id),
    resourceId: integer()
      .notNull()
      .references(() => resources.id),
    role: text().notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex().on(t.packageId, t.resourceId, t.role), index().on(t.resourceId)],
);

/** Symmetric: one row per pair, the lower package id first. */
export const packageIncompatibilities = pgTable(
  'package_incompatibilities',
  {
    packageId: integer()
      .notNull()
      .references(() => accessPackages.id),
    otherPackageId: integer()
      .notNull()
      .references(() => accessPackages.id),
    createdBy: text().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.packageId, t.otherPackageId] }),
    index().on(t.otherPackageId),
    check('package_incompatibilities_ordered', sql`${t.packageId} < ${t.otherPackageId}`),
  ],
);

export const policies = pgTable(
  'policies',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    packageId: integer()
      .notNull()
      .references(() => accessPackages.id),
    name: text().notNull(),
    /** 1 is the highest priority: the default when several policies let someone request. */
    priority: integer().notNull().default(1),
    /** Bumped on every edit; requests keep the version (and a snapshot) they were submitted under. */
    version: integer().notNull().default(1),
    requestorScope: requestorScope().notNull(),
    requestorUserIds: text().array().notNull().default(sql`'{}'::text[]`),
    requestorUsergroupIds: text().array().notNull().default(sql`'{}'::text[]`),
    /** Lets the named people and groups request even when Slack counts them as external (Slack Connect). */
    allowExternalRequestors: boolean().notNull().default(false),
    requestsEnabled: boolean().notNull().default(true),
    justificationRequired: boolean().notNull().default(true),
    approvalStages: jsonb().$type<ApprovalStage[]>().notNull().default([]),
    questions: jsonb().$type<Question[]>().notNull().default([]),
    expiry: jsonb().$type<Expiry>().notNull(),
    customTimeline: boolean().notNull().default(true),
    extension: jsonb().$type<ExtensionSettings>().notNull(),
    reminderOffsetsHours: integer().array().notNull(),
    review: jsonb().$type<ReviewSettings | null>(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: tstz(),
  },
  (t) => [index().on(t.packageId)],
);

export const requests = pgTable(
  'requests',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity({ startWith: 1001 }),
    packageId: integer()
      .notNull()
      .references(() => accessPackages.id),
    policyId: integer().references(() => policies.id),
    policyVersion: integer(),
    /** The policy as it was when the request was submitted: later edits never change this request. */
    policySnapshot: jsonb().$type<PolicySettings>(),
    type: requestType().notNull(),
    state: requestState().notNull(),
    /** Whom the access is for. */
    userId: text().notNull(),
    /** Who asked: the user, an admin, or `system`. */
    requestedBy: text().notNull(),
    /** 1-based approval stage while pending_approval, else 0. */
    stage: integer().notNull().default(0),
    stageStartedAt: tstz(),
    stageDueAt: tstz(),
    stageEscalateAt: tstz(),
    stageEscalatedAt: tstz(),
    justification: text(),
    answers: jsonb().$type<Record<string, string>>().notNull().default({}),
    startAt: tstz(),
    endAt: tstz(),
    assignmentId: integer(),
    /** A deny reason, a cancel note, why delivery failed: shown in history. */
    outcomeNote: text(),
    claimedUntil: tstz(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    closedAt: tstz(),
  },
  (t) => [
    index().on(t.userId, t.createdAt),
    index().on(t.packageId, t.createdAt),
    index('requests_open_by_user_package')
      .on(t.userId, t.packageId)
      .where(sql`${t.state} in ('submitted','pending_approval','approved','scheduled')`),
    index('requests_stage_due').on(t.stageDueAt).where(sql`${t.state} = 'pending_approval'`),
    index('requests_stage_escalate')
      .on(t.stageEscalateAt)
      .where(sql`${t.state} = 'pending_approval' and ${t.stageEscalatedAt} is null`),
    index('requests_scheduled_start').on(t.startAt).where(sql`${t.state} = 'scheduled'`),
  ],
);

/** Every DM that shows a request's card, so each transition updates every copy (chat.update). */
export const requestMessages = pgTable(
  'request_messages',
  {
    requestId: integer()
      .notNull()
      .references(() => requests.id),
    userId: text().notNull(),
    channelId: text().notNull(),
    ts: text().notNull(),
    postedAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.requestId, t.userId] })],
);

/** Who may decide a request's stage, resolved when the stage starts (fallbacks added on escalation). */
export const requestApprovers = pgTable(
  'request_approvers',
  {
    requestId: integer()
      .notNull()
      .references(() => requests.id),
    stage: integer().notNull(),
    userId: text().notNull(),
    isFallback: boolean().notNull().default(false),
    /** Why this person approves, shown on the card: "named approver", "member of @design-leads"… */
    reason: text().notNull(),
    addedAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.requestId, t.stage, t.userId] }), index().on(t.userId, t.requestId)],
);

export const approvalDecisions = pgTable(
  'approval_decisions',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    requestId: integer()
      .notNull()
      .references(() => requests.id),
    stage: integer().notNull(),
    approverId: text().notNull(),
    decision: decisionKind().notNull(),
    reason: text(),
    decidedAt: createdAt(),
  },
  // One decision per stage: a second concurrent click loses on this constraint.
  (t) => [uniqueIndex().on(t.requestId, t.stage)],
);

export const assignments = pgTable(
  'assignments',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    userId: text().notNull(),
    packageId: integer()
      .notNull()
      .references(() => accessPackages.id),
    policyId: integer().references(() => policies.id),
    requestId: integer().references(() => requests.id),
    state: assignmentState().notNull(),
    startsAt: tstz().notNull(),
    endsAt: tstz(),
    extensionCount: integer().notNull().default(0),
    endedAt: tstz(),
    /** expired | removed_by_admin | removed_by_user | user_deactivated | review | package_deleted */
    endReason: text(),
    endedBy: text(),
    claimedUntil: tstz(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('assignments_one_active')
      .on(t.userId, t.packageId)
      .where(sql`${t.state} in ('delivering','delivered','delivery_failed')`),
    index('assignments_due_expiry')
      .on(t.endsAt)
      .where(sql`${t.state} in ('delivering','delivered','delivery_failed') and ${t.endsAt} is not null`),
    index().on(t.packageId, t.state),
    index().on(t.userId, t.state),
  ],
);

/** One row per resource role an assignment grants, and one per revoke when it ends. */
export const fulfilments = pgTable(
  'fulfilments',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    assignmentId: integer()
      .notNull()
      .references(() => assignments.id),
    resourceId: integer()
      .notNull()
      .references(() => resources.id),
    role: text().notNull(),
    userId: text().notNull(),
    action: fulfilmentAction().notNull(),
    state: fulfilmentState().notNull().default('pending'),
    attempts: integer().notNull().default(0),
    lastError: text(),
    nextAttemptAt: tstz().notNull().defaultNow(),
    claimedUntil: tstz(),
    doneAt: tstz(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex().on(t.assignmentId, t.resourceId, t.role, t.action),
    index('fulfilments_due').on(t.nextAttemptAt).where(sql`${t.state} in ('pending','failed')`),
    index().on(t.resourceId, t.userId),
  ],
);

/** Expiry reminders, one row per offset, so each is sent once. */
export const expiryReminders = pgTable(
  'expiry_reminders',
  {
    assignmentId: integer()
      .notNull()
      .references(() => assignments.id),
    offsetHours: integer().notNull(),
    dueAt: tstz().notNull(),
    sentAt: tstz(),
    claimedUntil: tstz(),
  },
  (t) => [
    primaryKey({ columns: [t.assignmentId, t.offsetHours] }),
    index('expiry_reminders_due').on(t.dueAt).where(sql`${t.sentAt} is null`),
  ],
);

export const accessReviews = pgTable(
  'access_reviews',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    packageId: integer()
      .notNull()
      .references(() => accessPackages.id),
    policyId: integer().references(() => policies.id),
    reviewerMode: reviewerMode().notNull(),
    reviewerIds: text().array().notNull().default(sql`'{}'::text[]`),
    defaultDecision: reviewDefault().notNull(),
    state: reviewState().notNull().default('active'),
    startsAt: tstz().notNull(),
    deadline: tstz().notNull(),
    createdBy: text().notNull(),
    completedAt: tstz(),
    remindedAt: tstz(),
    claimedUntil: tstz(),
    createdAt: createdAt(),
  },
  (t) => [
    index().on(t.packageId),
    index('access_reviews_due').on(t.deadline).where(sql`${t.state} = 'active'`),
    uniqueIndex('access_reviews_one_active').on(t.packageId).where(sql`${t.state} = 'active'`),
  ],
);

export const reviewDecisions = pgTable(
  'review_decisions',
  {
    reviewId: integer()
      .notNull()
      .references(() => accessReviews.id),
    assignmentId: integer()
      .notNull()
      .references(() => assignments.id),
    userId: text().notNull(),
    decision: reviewDecisionKind(),
    reason: text(),
    decidedBy: text(),
    decidedAt: tstz(),
    appliedDecision: reviewDecisionKind(),
    appliedAt: tstz(),
  },
  (t) => [primaryKey({ columns: [t.reviewId, t.assignmentId] }), index().on(t.decidedBy)],
);

/** Append-only: a trigger refuses UPDATE, DELETE and TRUNCATE. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    at: tstz().notNull(),
    actorId: text().notNull(),
    action: text().notNull(),
    catalogId: integer(),
    packageId: integer(),
    requestId: integer(),
    assignmentId: integer(),
    resourceId: integer(),
    reviewId: integer(),
    /** The user the event is about (requestor, assignee), when there is one. */
    subjectUserId: text(),
    data: jsonb().$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    index().on(t.packageId, t.at),
    index().on(t.subjectUserId, t.at),
    index().on(t.requestId),
    index().on(t.assignmentId),
    index().on(t.catalogId, t.at),
  ],
);

/** Transactional outbox: notifications written with the state change, sent after commit. */
export const outbox = pgTable(
  'outbox',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    kind: text().notNull(),
    /** The Slack user the message is for; pacing is per recipient. */
    recipient: text().notNull(),
    data: jsonb().$type<Record<string, unknown>>().notNull(),
    idempotencyKey: text().notNull(),
    attempts: integer().notNull().default(0),
    nextAttemptAt: tstz().notNull(),
    claimedUntil: tstz(),
    sentAt: tstz(),
    deadAt: tstz(),
    lastError: text(),
    createdAt: tstz().notNull(),
  },
  (t) => [
    uniqueIndex('outbox_idempotency_key').on(t.idempotencyKey),
    index('outbox_due').on(t.nextAttemptAt).where(sql`${t.sentAt} is null and ${t.deadAt} is null`),
    index('outbox_dead').on(t.deadAt).where(sql`${t.deadAt} is not null`),
  ],
);

/**
 * The package wizard's drafts between its steps, keyed by an unguessable id that the modal's
 * private_metadata carries (Slack gives that 3000 characters; a draft has no such limit here).
 * Only its owner reads or writes it; untouched for a day it expires and a job deletes it.
 */
export const packageDrafts = pgTable(
  'package_drafts',
  {
    id: uuid().primaryKey().defaultRandom(),
    /** The Slack user whose wizard it is. */
    ownerUserId: text().notNull(),
    /** The modal (Slack view id) it belongs to, set once Slack has opened it. */
    viewId: text(),
    draft: jsonb().$type<Record<string, unknown>>().notNull(),
    createdAt: tstz().notNull(),
    updatedAt: tstz().notNull(),
    expiresAt: tstz().notNull(),
  },
  (t) => [index('package_drafts_expires_at').on(t.expiresAt)],
);

/** The test clock's offset (TEST_CLOCK=1 only), kept so that a restart never moves domain time back. */
export const testClock = pgTable(
  'test_clock',
  {
    id: integer().primaryKey().default(1),
    offsetMs: bigint({ mode: 'number' }).notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [check('test_clock_single_row', sql`${t.id} = 1`)],
);

export type User = typeof users.$inferSelect;
export type Catalog = typeof catalogs.$inferSelect;
export type Resource = typeof resources.$inferSelect;
export type AccessPackage = typeof accessPackages.$inferSelect;
export type Policy = typeof policies.$inferSelect;
export type Request = typeof requests.$inferSelect;
export type Assignment = typeof assignments.$inferSelect;
export type Fulfilment = typeof fulfilments.$inferSelect;
export type AccessReview = typeof accessReviews.$inferSelect;
export type AuditRow = typeof auditLog.$inferSelect;
export type OutboxRow = typeof outbox.$inferSelect;
export type PackageDraftRow = typeof packageDrafts.$inferSelect;
