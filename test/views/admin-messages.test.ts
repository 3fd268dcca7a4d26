import { describe, expect, it } from 'vitest';
import type { Policy } from '../../src/db/schema.js';
import { GatehouseError, person, sentence } from '../../src/domain/errors.js';
import { silentLogger } from '../../src/logger.js';
import { checkMessageBlocks, checkView } from '../../src/sandbox/block-kit-checks.js';
import type { PackageDetails } from '../../src/services/catalog/catalog-queries.js';
import { ephemeralReply, explain } from '../../src/slack/refusals.js';
import { AUDIT_PAGE_SIZE, type AuditRow, auditView } from '../../views/admin/audit.js';
import { catalogRolesView } from '../../views/admin/catalog-roles.js';
import { deliveryRetriedBlocks, renderDeliveryAbandoned } from '../../views/admin/delivery-abandoned.js';
import {
  packageAssignmentsBlocks,
  packageAssignmentsView,
  packageListModal,
} from '../../views/admin/package-assignments.js';
import { packageDetailsView } from '../../views/admin/package-details.js';
import { packageRequestsView } from '../../views/admin/package-requests.js';
import { usageReply } from '../../views/admin/reply.js';
import { resourceAddedView, resourceListView } from '../../views/admin/resources.js';
import { ACTION } from '../../views/ids.js';
import { expectToContainAll, mrkdwnOf, storedPackage, storedPolicy } from '../support/views.js';

const NOW = new Date('2026-02-04T10:00:00Z');
const errors = (blocks: unknown) => checkMessageBlocks(blocks).filter((i) => i.level === 'error');
const evil = '<!channel> & <https://evil|x>';

function policy(overrides: Partial<Policy> = {}): Policy {
  return storedPolicy(
    {
      requestorUserIds: ['U0REQUESTOR1'],
      expiry: { kind: 'days', days: 30 },
      approvalStages: [
        { approverUserIds: ['U0APPROVER1'], fallbackUserIds: ['U0ADMIN1'], decideWithinDays: 7 },
      ],
      questions: [{ id: 'q1', text: 'Team?', kind: 'choice', choices: ['Red', 'Blue'] }],
      review: { recurrenceDays: 90, reviewerMode: 'self' },
    },
    overrides,
  );
}

function details(name = 'Marketing Campaign'): PackageDetails {
  return {
    package: storedPackage({ name }),
    catalog: { id: 1, name: 'General' },
    resourceRoles: [
      {
        resourceId: 1,
        resourceName: 'Marketing resources',
        kind: 'slack_usergroup',
        externalId: 'S0MARKETING',
        role: 'member',
      },
    ],
    policies: [policy()],
    incompatiblePackages: [{ id: 2, name: 'Finance' }],
  };
}

describe('admin command answers', () => {
  it('package show: resource roles, the policy in words, holders and incompatible packages', () => {
    const reply = packageDetailsView(details(), 3);
    expect(errors(reply.blocks)).toEqual([]);
    const text = mrkdwnOf(reply.blocks);
    expectToContainAll(text, [
      '*Marketing resources* (user group) — Member',
      'Specific people: <@U0REQUESTOR1>',
      'Stage 1: <@U0APPROVER1> (fallback <@U0ADMIN1>), within 7 days',
      'Expires after 30 days',
      'Every 90 days, by the people themselves',
      '*People with access*\n3',
      'Finance',
    ]);
    const many = {
      ...details(evil),
      policies: Array.from({ length: 30 }, (_, i) => policy({ id: i + 1, name: evil })),
    };
    const big = packageDetailsView(many, 0);
    expect(errors(big.blocks)).toEqual([]);
    expect(mrkdwnOf(big.blocks)).not.toContain('<!channel>');
  });

  it("requests: the tutorial's Requestor1, Initial policy, Delivered", () => {
    const reply = packageRequestsView(
      'Marketing Campaign',
      [
        {
          request: 'R-7',
          type: 'user_add',
          userId: 'U0REQUESTOR1',
          requestedBy: 'U0REQUESTOR1',
          policyName: 'Initial policy',
          outcome: 'Delivered',
          createdAt: NOW,
        },
        {
          request: 'R-8',
          type: 'admin_remove',
          userId: 'U0REQUESTOR1',
          requestedBy: 'U0ADMIN1',
          policyName: null,
          outcome: 'Delivered',
          createdAt: NOW.toISOString(),
        },
      ],
      2,
    );
    expect(errors(reply.blocks)).toEqual([]);
    const text = mrkdwnOf(reply.blocks);
    expect(text).toContain('*R-7* · <@U0REQUESTOR1> · Initial policy · *Delivered* · 2026-02-04');
    expect(text).toContain('(removed by <@U0ADMIN1>)');
    const rows = Array.from({ length: 25 }, (_, i) => ({
      request: `R-${i}`,
      type: 'user_add' as const,
      userId: 'U0REQUESTOR1',
      requestedBy: 'U0REQUESTOR1',
      policyName: evil,
      outcome: 'Denied',
      createdAt: NOW,
    }));
    const many = packageRequestsView(evil, rows, 140);
    expect(errors(many.blocks)).toEqual([]);
    expect(mrkdwnOf(many.blocks)).toContain('more than 100');
    expect(mrkdwnOf(many.blocks)).not.toContain('<!channel>');
    expect(packageRequestsView('X', [], 0).text).toContain('Nobody has requested X');
  });

  it('assignments: a Remove button with a confirm per person, within 50 blocks for any number', () => {
    const rows = Array.from({ length: 200 }, (_, i) => ({
      assignmentId: i + 1,
      userId: 'U0REQUESTOR1',
      state: 'delivered' as const,
      startsAt: NOW,
      endsAt: i % 2 ? NOW : null,
    }));
    const reply = packageAssignmentsView({ id: 5, name: evil }, rows, {
      kind: 'done',
      mrkdwn: '<@U0ADMIN1> removed someone',
    });
    expect(errors(reply.blocks)).toEqual([]);
    expect(reply.blocks.length).toBeLessThanOrEqual(50);
    const json = JSON.stringify(reply.blocks);
    expect(json).toContain(`"action_id":"${ACTION.removeAssignment}"`);
    expect(json).toContain('"value":"5:1"');
    expect(json).toContain('"confirm"');
    expect(mrkdwnOf(reply.blocks)).not.toContain('<!channel>');
    expect(mrkdwnOf(reply.blocks)).toContain('Showing 40 of 200');
    const modal = packageListModal('Assignments', packageAssignmentsBlocks({ id: 5, name: 'X' }, rows), {
      packageId: 5,
      list: 'assignments',
    });
    expect(checkView(modal).filter((i) => i.level === 'error')).toEqual([]);
    expect(JSON.parse(modal.private_metadata!)).toEqual({ packageId: 5, list: 'assignments' });
  });

  it('audit: newest first, a page within 50 blocks, Older events when there is more', () => {
    const rows: AuditRow[] = Array.from({ length: AUDIT_PAGE_SIZE }, (_, i) => ({
      id: i,
      at: NOW.toISOString(),
      actorId: i % 2 ? 'system' : 'U0ADMIN1',
      action: 'request.state_changed',
      requestId: 12,
      subjectUserId: 'U0REQUESTOR1',
      data: { to: 'delivered', note: evil },
    }));
    const reply = auditView({ packageId: 3, packageName: 'Marketing Campaign' }, rows, 0, true);
    expect(errors(reply.blocks)).toEqual([]);
    expect(reply.blocks.length).toBeLessThanOrEqual(50);
    const text = mrkdwnOf(reply.blocks);
    expect(text).toContain(
      '`2026-02-04 10:00 UTC` <@U0ADMIN1> · *request.state_changed* · R-12 · about <@U0REQUESTOR1> · → delivered',
    );
    expect(text).toContain('Gatehouse');
    expect(text).not.toContain('<!channel>');
    expect(JSON.stringify(reply.blocks)).toContain('"value":"p:3:40"');
    const last = auditView({ userId: 'U0REQUESTOR1' }, rows.slice(0, 3), 40, false);
    expect(JSON.stringify(last.blocks)).not.toContain(ACTION.auditPage);
  });

  it('the abandoned-delivery DM carries Retry with the assignment id', () => {
    const message = renderDeliveryAbandoned({
      forAdmin: true,
      assignmentId: 42,
      packageName: evil,
      userId: 'U0REQUESTOR1',
      resource: 'Marketing resources',
      role: 'member',
      error: 'usergroups.users.update: ratelimited',
    });
    expect(errors(message.blocks)).toEqual([]);
    const json = JSON.stringify(message.blocks);
    expect(json).toContain(`"action_id":"${ACTION.retryDelivery}"`);
    expect(json).toContain('"value":"42"');
    expect(mrkdwnOf(message.blocks)).toContain('<@U0REQUESTOR1>');
    expect(mrkdwnOf(message.blocks)).not.toContain('<!channel>');
    expect(JSON.stringify(renderDeliveryAbandoned({ packageName: 'X' }).blocks)).not.toContain(
      ACTION.retryDelivery,
    );
    const after = deliveryRetriedBlocks('original', 1, 'U0ADMIN1');
    expect(errors(after)).toEqual([]);
    expect(JSON.stringify(after)).not.toContain(ACTION.retryDelivery);
  });

  it('resources, catalog roles, refusals and usage stay within limits and escaped', () => {
    const resources = Array.from({ length: 60 }, (_, i) => ({
      id: i,
      catalogId: 1,
      kind: (['slack_usergroup', 'slack_channel', 'webhook'] as const)[i % 3]!,
      externalId: i % 3 === 0 ? `S0${i}` : i % 3 === 1 ? `C0${i}` : `app-${i}`,
      name: evil,
      roles: ['member'],
      webhookUrl: null,
      managedExclusively: false,
      disabledByGatehouse: false,
      createdBy: 'U0ADMIN1',
      createdAt: NOW,
      removedAt: null,
    }));
    const list = resourceListView(Array.from({ length: 50 }, () => ({ name: evil, resources })));
    expect(errors(list.blocks)).toEqual([]);
    expect(mrkdwnOf(list.blocks)).not.toContain('<!channel>');
    const added = resourceAddedView(
      { ...resources[2]!, webhookUrl: 'https://crm.example/hook' },
      'General',
      'secret-123',
    );
    expect(mrkdwnOf(added.blocks)).toContain('`secret-123`');
    const roles = catalogRolesView(evil, [
      {
        userId: 'U0ADMIN1',
        userName: 'Admin1',
        role: 'owner',
        roleName: 'owner',
        grantedBy: 'U0ADMIN1',
        grantedAt: NOW,
      },
    ]);
    expect(errors(roles.blocks)).toEqual([]);
    expect(mrkdwnOf(roles.blocks)).toContain('<@U0ADMIN1> — owner');
    const refusal = ephemeralReply(
      explain(
        new GatehouseError(
          'package.not_found',
          sentence`There is no access package called ${evil}. Ask ${person('U0ADMIN1')}.`,
        ),
        silentLogger,
      ),
    );
    expect(mrkdwnOf(refusal.blocks)).toContain('&lt;!channel&gt;');
    expect(mrkdwnOf(refusal.blocks)).toContain('<@U0ADMIN1>');
    expect(mrkdwnOf(usageReply('assign @person <package>').blocks)).toContain('&lt;package&gt;');
  });
});
