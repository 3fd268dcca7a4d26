import { describe, expect, it } from 'vitest';
import type { Policy } from '../../src/db/schema.js';
import { GatehouseError, named, person, sentence } from '../../src/domain/errors.js';
import { NOTIFICATION_KINDS } from '../../src/domain/notifications.js';
import { silentLogger } from '../../src/logger.js';
import type { PackageDetails } from '../../src/services/catalog/catalog-queries.js';
import type { ResourceView } from '../../src/services/catalog/resources.js';
import { ephemeralReply, errorModal, explain, refusalNotice } from '../../src/slack/refusals.js';
import { auditView } from '../../views/admin/audit.js';
import { catalogRolesView } from '../../views/admin/catalog-roles.js';
import { catalogListView } from '../../views/admin/catalogs.js';
import { renderDeliveryAbandoned } from '../../views/admin/delivery-abandoned.js';
import { packageAssignmentsView } from '../../views/admin/package-assignments.js';
import { packageDetailsView } from '../../views/admin/package-details.js';
import { packageRequestsView } from '../../views/admin/package-requests.js';
import { doneReply, usageReply } from '../../views/admin/reply.js';
import { resourceAddedView, resourceListView } from '../../views/admin/resources.js';
import { wizardDoneView } from '../../views/admin/wizard/result.js';
import { helpView } from '../../views/help.js';
import { escapeMrkdwn, mention, userText } from '../../views/mrkdwn.js';
import { renderNotification } from '../../views/notifications.js';
import { historyView } from '../../views/portal/history.js';
import { homeView } from '../../views/portal/home.js';
import { myAccessView } from '../../views/portal/my-access.js';
import { removedSentence } from '../../views/portal/outcomes.js';
import { requestablePackagesView } from '../../views/portal/package-list.js';
import { renderReviewRequested } from '../../views/portal/review-message.js';
import { reviewsAwaitingView } from '../../views/portal/reviews.js';
import { approvalsListView } from '../../views/requests/approvals-list.js';
import { decisionReasonModal } from '../../views/requests/decision-reason-modal.js';
import { openRequestsView } from '../../views/requests/open-requests.js';
import { didYouMeanView, noMatchView } from '../../views/requests/package-picker.js';
import { requestCard } from '../../views/requests/request-card.js';
import { storedPackage, storedPolicy } from '../support/views.js';
import { assignment, emptyHome, request, review, reviewItem } from './portal-fixtures.js';

/**
 * Invariant 7 for every renderer that takes a name someone typed (package, catalog, resource,
 * role, policy, question, justification, reason): neither the message's `text` (the fallback
 * Slack shows in notifications, parsed as mrkdwn too) nor any mrkdwn in its blocks carries the
 * typed control sequences — no @channel, no link, no mention, no bare `&`.
 */

const EVIL = '<!channel> *bold* <https://evil|x> & <@U123>';
const NOW = new Date('2026-02-04T10:00:00Z');

type Json = Record<string, unknown>;

/** Every mrkdwn string in blocks, a modal or a Home tab (plain_text is never parsed). */
function mrkdwnTexts(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(mrkdwnTexts);
  if (typeof value !== 'object' || value === null) return [];
  const json = value as Json;
  if (json.type === 'mrkdwn' && typeof json.text === 'string') return [json.text];
  return Object.values(json).flatMap(mrkdwnTexts);
}

/** What Slack would parse: the top-level text and every mrkdwn in the blocks. */
function parsedStrings(rendered: { text?: string; blocks?: unknown }): string[] {
  return [...(rendered.text === undefined ? [] : [rendered.text]), ...mrkdwnTexts(rendered.blocks)];
}

/**
 * Refusals and notices carry no mrkdwn of their own: src/slack/refusals.ts builds each mention
 * from a user id and escapes the rest, so a `<@U…>` typed inside a name stays text there too.
 * Only the wizard's views still show engine sentences through engineText (`engine`), which keeps
 * the mentions in them (views/engine-text.ts).
 */
type Kind = 'names' | 'engine';

function expectEscaped(label: string, rendered: { text?: string; blocks?: unknown }, kind: Kind = 'names') {
  const strings = parsedStrings(rendered);
  expect(strings.length, `${label}: renders something`).toBeGreaterThan(0);
  // The evil name is in there somewhere, escaped (not silently dropped).
  expect(strings.join('\n'), `${label}: shows the name`).toContain('&lt;!channel&gt;');
  for (const s of strings) {
    expect(s, `${label}: no @channel`).not.toContain('<!channel>');
    expect(s, `${label}: no typed link`).not.toContain('<https://evil');
    if (kind === 'names') expect(s, `${label}: no typed mention`).not.toContain('<@U123>');
    expect(s, `${label}: no bare &`).not.toMatch(/&(?!amp;|lt;|gt;)/);
  }
}

/** A refusal as a command or click shows it. */
function refused(error: GatehouseError) {
  return ephemeralReply(explain(error, silentLogger));
}

function policy(): Policy {
  return storedPolicy(
    {
      requestorUserIds: ['U0REQUESTOR1'],
      expiry: { kind: 'days', days: 30 },
      approvalStages: [{ approverUserIds: ['U0APPROVER1'], decideWithinDays: 7 }],
      questions: [{ id: 'q1', text: EVIL, kind: 'choice', choices: [EVIL, 'Blue'] }],
    },
    { name: EVIL },
  );
}

function details(): PackageDetails {
  return {
    package: storedPackage({ name: EVIL, description: EVIL }),
    catalog: { id: 1, name: EVIL },
    resourceRoles: [{ resourceId: 1, resourceName: EVIL, kind: 'webhook', externalId: 'app', role: EVIL }],
    policies: [policy()],
    incompatiblePackages: [{ id: 2, name: EVIL }],
  };
}

const resource: ResourceView = {
  id: 1,
  catalogId: 1,
  kind: 'webhook',
  externalId: EVIL,
  name: EVIL,
  roles: [EVIL],
  webhookUrl: 'https://crm.example/hook',
  managedExclusively: false,
  disabledByGatehouse: false,
  createdBy: 'U0ADMIN1',
  createdAt: NOW,
  removedAt: null,
} as ResourceView;

/** Everything a notification's data can carry, every typed word the evil name. */
const notificationData = {
  packageName: EVIL,
  request: 'R-1042',
  requestId: 1042,
  requestor: 'U0REQUESTOR1',
  decidedBy: 'U0APPROVER1',
  userId: 'U0REQUESTOR1',
  justification: EVIL,
  reason: EVIL,
  note: EVIL,
  resource: EVIL,
  role: EVIL,
  error: EVIL,
  stage: 1,
  items: 2,
  kept: 1,
  removed: ['U0REQUESTOR1'],
  outsiders: ['U0REQUESTOR1'],
  endsAt: NOW.toISOString(),
  startAt: NOW.toISOString(),
  dueAt: NOW.toISOString(),
  deadline: NOW.toISOString(),
};

const card = {
  requestId: 1042,
  request: 'R-1042',
  type: 'user_add',
  packageName: EVIL,
  userId: 'U0REQ',
  requestedBy: 'U0REQ',
  state: 'pending_approval' as const,
  outcome: 'Pending approval',
  stage: 1,
  stages: 2,
  policyName: EVIL,
  justification: EVIL,
  answers: [{ question: EVIL, answer: EVIL }],
  startAt: null,
  endAt: null,
  createdAt: NOW,
  closedAt: null,
  outcomeNote: EVIL,
  approvers: [{ stage: 1, userId: 'U0APP', reason: EVIL, isFallback: false }],
  decisions: [{ stage: 1, approverId: 'U0APP', decision: 'deny' as const, reason: EVIL, decidedAt: NOW }],
  currentAccess: [{ packageName: EVIL, endsAt: null }],
};

const evilReview = review(1, [reviewItem(1, { userName: EVIL, decision: 'remove', reason: EVIL })], {
  packageName: EVIL,
});

/** Every renderer that takes names, each fed the evil name wherever a person types one. */
type Case = [string, () => { text?: string; blocks?: unknown }, Kind?];
const RENDERERS: Case[] = [
  ...NOTIFICATION_KINDS.flatMap((kind) =>
    [false, true].map(
      (forAudience): Case => [
        `notification ${kind}${forAudience ? ' (approver/admin copy)' : ''}`,
        () =>
          renderNotification({
            kind,
            recipient: 'U0REQUESTOR1',
            data: { ...notificationData, forApprover: forAudience, forAdmin: forAudience },
          }),
      ],
    ),
  ),
  ['delivery abandoned (admin DM)', () => renderDeliveryAbandoned({ ...notificationData, assignmentId: 42 })],
  [
    'catalog list',
    () =>
      catalogListView([
        { id: 1, name: EVIL, description: EVIL, myRoles: ['owner'], packageCount: 1, resourceCount: 1 },
      ]),
  ],
  [
    'catalog roles',
    () =>
      catalogRolesView(EVIL, [
        {
          userId: 'U0ADMIN1',
          userName: EVIL,
          role: 'owner',
          roleName: 'owner',
          grantedBy: 'U0ADMIN1',
          grantedAt: NOW,
        },
      ]),
  ],
  ['catalog roles, nobody', () => catalogRolesView(EVIL, [])],
  ['resource list', () => resourceListView([{ name: EVIL, resources: [resource] }])],
  ['resource added', () => resourceAddedView(resource, EVIL, 'secret-1')],
  // The admin commands' one-line answers: blocks escaped by the caller, the text here.
  [
    'done: … is no longer a resource of …',
    () =>
      doneReply(
        `*${userText(EVIL)}* is no longer a resource of *${userText(EVIL)}*.`,
        `${EVIL} was removed from ${EVIL}.`,
      ),
  ],
  [
    'done: … no longer has …',
    () =>
      doneReply(
        `<@U0REQUESTOR1> no longer has *${userText(EVIL)}* (R-1); what it granted is being taken back.`,
        `U0REQUESTOR1 no longer has ${EVIL} (R-1).`,
      ),
  ],
  [
    'admin refusal',
    () => refused(new GatehouseError('package.not_found', `There is no access package called ${EVIL}.`)),
  ],
  [
    'refusal naming a person',
    () =>
      refused(
        new GatehouseError(
          'request.not_yours',
          sentence`${EVIL} isn't your request: only ${person('U0REQUESTOR1')} can cancel it.`,
        ),
      ),
  ],
  ['usage', () => usageReply('package show <package>', `There is no package ${EVIL}.`)],
  ['package show', () => packageDetailsView(details(), 3)],
  [
    'package requests',
    () =>
      packageRequestsView(
        EVIL,
        [
          {
            request: 'R-7',
            type: 'user_add',
            userId: 'U0REQUESTOR1',
            requestedBy: 'U0REQUESTOR1',
            policyName: EVIL,
            outcome: EVIL,
            createdAt: NOW,
          },
        ],
        1,
      ),
  ],
  ['package requests, none', () => packageRequestsView(EVIL, [], 0)],
  [
    'package assignments after a removal',
    () =>
      packageAssignmentsView(
        { id: 5, name: EVIL },
        [{ assignmentId: 1, userId: 'U0REQUESTOR1', state: 'delivered', startsAt: NOW, endsAt: null }],
        { kind: 'done', mrkdwn: `${mention('U0REQUESTOR1')} no longer has ${userText(EVIL)} (R-1).` },
      ),
  ],
  [
    'audit of a package',
    () =>
      auditView(
        { packageId: 3, packageName: EVIL },
        [
          {
            id: 1,
            at: NOW,
            actorId: 'U0ADMIN1',
            action: 'package.created',
            requestId: null,
            subjectUserId: null,
            data: { name: EVIL, reason: EVIL },
          },
        ],
        0,
        false,
      ),
  ],
  ['audit of a package, empty', () => auditView({ packageId: 3, packageName: EVIL }, [], 0, false)],
  [
    'wizard done',
    () =>
      wizardDoneView({
        packageName: EVIL,
        catalogName: EVIL,
        editing: false,
        done: [`Policy *${userText(EVIL)}* saved`],
        warnings: [EVIL],
      }),
    'engine',
  ],
  ['help for an unknown word', () => helpView({ requestor: [], admin: [], unknown: EVIL })],
  ['request card (approver)', () => requestCard(card, 'U0APP')],
  ['request card (requestor)', () => requestCard(card, 'U0REQ')],
  [
    'approvals list',
    () =>
      approvalsListView([
        {
          requestId: 1,
          request: 'R-1',
          packageName: EVIL,
          requestor: 'U0REQ',
          justification: EVIL,
          stage: 1,
          stages: 1,
          reason: EVIL,
          isFallback: false,
          dueAt: NOW,
        },
      ]),
  ],
  [
    'decision reason modal',
    () =>
      decisionReasonModal({
        requestId: 1,
        stage: 1,
        decision: 'deny',
        request: 'R-1',
        packageName: EVIL,
        requestor: 'U0REQ',
        justification: EVIL,
      }),
  ],
  ['open requests', () => openRequestsView([{ ...request(1), packageName: EVIL }])],
  [
    'did you mean',
    () =>
      didYouMeanView(EVIL, [
        { id: 1, name: EVIL, description: EVIL },
        { id: 2, name: EVIL, description: '' },
      ]),
  ],
  ['no match', () => noMatchView(EVIL, [])],
  ['no match, not open to you', () => noMatchView(EVIL, [{ id: 1, name: EVIL, description: '' }])],
  [
    'request refused in the modal',
    () =>
      errorModal(
        explain(
          new GatehouseError('request.already_open', sentence`You already asked for ${named(EVIL)}.`),
          silentLogger,
        ),
        { title: "Couldn't request", subject: EVIL },
      ),
  ],
  [
    'requestable packages',
    () =>
      requestablePackagesView([
        { package: { id: 1, name: EVIL, description: EVIL, catalogId: 1, catalogName: EVIL }, policies: [] },
      ]),
  ],
  [
    'my access',
    () =>
      myAccessView({
        assignments: [assignment(1, { packageName: EVIL })],
        openRequests: [request(1, { packageName: EVIL })],
        notice: { kind: 'done', mrkdwn: removedSentence(EVIL, 'R-1') },
      }),
  ],
  [
    'history',
    () =>
      historyView({
        requests: [request(1, { packageName: EVIL, outcomeNote: EVIL })],
        page: 1,
        hasMore: false,
      }),
  ],
  ['reviews waiting', () => reviewsAwaitingView({ reviews: [evilReview], viewerId: 'U0R' })],
  [
    'review DM',
    () => renderReviewRequested({ reviewId: 1, packageName: EVIL, reviewerId: 'U0R', review: evilReview }),
  ],
  [
    'review DM, over',
    () => renderReviewRequested({ reviewId: 1, packageName: EVIL, reviewerId: 'U0R', review: null }),
  ],
  [
    'Home tab',
    () =>
      homeView(
        emptyHome({
          assignments: [assignment(1, { packageName: EVIL })],
          openRequests: [request(1, { packageName: EVIL })],
          approvals: [{ requestId: 1, request: 'R-1', packageName: EVIL, requestor: 'U0REQ', dueAt: NOW }],
          reviews: [evilReview],
          notice: refusalNotice(
            explain(new GatehouseError('package.not_found', `No package ${EVIL}.`), silentLogger),
          ),
        }),
      ),
  ],
];

describe('user-typed names are escaped in fallback text and mrkdwn (invariant 7)', () => {
  it.each(RENDERERS)('%s', (label, render, kind) => {
    expectEscaped(label, render(), kind);
  });

  it('the escaping helper is the one the blocks use, and idempotent input stays readable', () => {
    expect(escapeMrkdwn(EVIL)).toBe('&lt;!channel&gt; *bold* &lt;https://evil|x&gt; &amp; &lt;@U123&gt;');
    // A plain name reads the same in text and blocks.
    expect(
      catalogListView([
        { id: 1, name: 'General', description: '', myRoles: [], packageCount: 0, resourceCount: 0 },
      ]).text,
    ).toBe('Catalogs: General');
    expect(doneReply('x', 'U0ADMIN1 now gets Sales (R-1).').text).toBe('U0ADMIN1 now gets Sales (R-1).');
  });
});
