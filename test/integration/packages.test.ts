import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import {
  accessPackages,
  assignments,
  packageIncompatibilities,
  packageResourceRoles,
  policies,
  requests,
  resources,
} from '../../src/db/schema.js';
import { setIncompatiblePackages } from '../../src/services/catalog/incompatibilities.js';
import {
  addResourceRole,
  createPackage,
  deletePackage,
  editPackage,
  removeResourceRole,
} from '../../src/services/catalog/packages.js';
import { registerResource } from '../../src/services/catalog/resources.js';
import { deliverFulfilments } from '../../src/services/lifecycle/delivery-runner.js';
import { deliveredAssignment } from '../support/assignments.js';
import { catalogWithPeople, makePackage } from '../support/catalog.js';
import { databaseLabel } from '../support/db.js';
import { ADMIN, actor, useTestEngine } from '../support/engine.js';
import {
  auditActions,
  generalCatalogId,
  insertRequest,
  insertResource,
  insertUser,
  outboxFor,
  slackId,
  uniqueSuffix,
} from '../support/fixtures.js';
import { auditRowsFor, expectForbidden, expectRefusal } from '../support/refusals.js';

const t = useTestEngine();

/** A package with a fresh user group as Member, requestable by every member for 30 days. */
const newPackage = (catalogId?: number) =>
  makePackage(t.deps, {
    catalogId,
    policy: { requestorScope: 'all_members', expiry: { kind: 'days', days: 30 } },
  });

/** An active, delivered assignment of the package to a new user. */
async function holder(pkg: { id: number; name: string }, policyId: number) {
  const userId = await insertUser(t.database.db);
  await deliveredAssignment(t.deps, { packageId: pkg.id, name: pkg.name, policyId }, userId, {
    actor: ADMIN,
    days: 30,
    reminderOffsetsHours: [24],
  });
  return userId;
}

describe(`access packages (${databaseLabel})`, () => {
  describe('createPackage', () => {
    it("plays the tutorial's step 2: package, resource role and Initial policy in General, audited", async () => {
      const requestor = await insertUser(t.database.db, { name: 'Requestor1' });
      const group = await insertResource(t.database.db, { name: 'Marketing resources' });
      const name = `Marketing Campaign ${uniqueSuffix()}`;
      const created = await createPackage(t.deps, ADMIN, {
        name,
        description: 'Access to resources for the campaign',
        resourceRoles: [{ resourceId: group.id, role: 'member' }],
        policy: {
          requestorScope: 'specific',
          requestorUserIds: [requestor],
          requestsEnabled: true,
          expiry: { kind: 'days', days: 30 },
        },
      });
      expect(created.package).toMatchObject({
        name,
        description: 'Access to resources for the campaign',
        catalogId: await generalCatalogId(t.database.db),
        hidden: false,
        createdBy: ADMIN.userId,
      });
      expect(created.resourceRoles).toEqual([
        expect.objectContaining({
          role: 'member',
          registered: false,
          resource: expect.objectContaining({ id: group.id }),
        }),
      ]);
      expect(created.policy).toMatchObject({
        name: 'Initial policy',
        priority: 1,
        version: 1,
        requestorScope: 'specific',
        requestorUserIds: [requestor],
        justificationRequired: true,
        approvalStages: [],
        expiry: { kind: 'days', days: 30 },
      });
      expect(created.warnings).toEqual([]);
      const roles = await t.database.db
        .select()
        .from(packageResourceRoles)
        .where(eq(packageResourceRoles.packageId, created.package.id));
      expect(roles.map((r) => [r.resourceId, r.role])).toEqual([[group.id, 'member']]);
      expect(await auditActions(t.database.db, { packageId: created.package.id })).toEqual([
        'package.created',
        'package.role_added',
        'policy.created',
      ]);
      const [createdRow] = await auditRowsFor(t.database.db, 'package.created', {
        packageId: created.package.id,
      });
      expect(createdRow?.data).toMatchObject({ name, catalog: 'General' });
    });

    it('uses the documented defaults when no policy is given, and warns that nobody can request', async () => {
      const created = await createPackage(t.deps, ADMIN, { name: `Defaults ${uniqueSuffix()}` });
      expect(created.policy).toMatchObject({
        name: 'Initial policy',
        justificationRequired: true,
        expiry: { kind: 'days', days: 365 },
        requestsEnabled: true,
      });
      expect(created.resourceRoles).toEqual([]);
      expect(created.warnings).toEqual([expect.stringMatching(/Nobody can request/)]);
    });

    it('adds a Slack group from outside the catalog to it, in the same transaction', async () => {
      const externalId = slackId('S');
      const created = await createPackage(t.deps, ADMIN, {
        name: `Outside ${uniqueSuffix()}`,
        resourceRoles: [{ resource: { kind: 'slack_usergroup', externalId, name: 'Marketing resources' } }],
      });
      const [registered] = await t.database.db
        .select()
        .from(resources)
        .where(eq(resources.externalId, externalId));
      expect(registered).toMatchObject({
        catalogId: created.package.catalogId,
        roles: ['member'],
        removedAt: null,
      });
      expect(created.resourceRoles[0]).toMatchObject({ registered: true, role: 'member' });
      expect(
        await auditRowsFor(t.database.db, 'resource.registered', { resourceId: registered!.id }),
      ).toHaveLength(1);
    });

    it('lets a package manager create in their catalog but not in General', async () => {
      const { catalog, packageManager } = await catalogWithPeople(t.deps, 'Campaigns');
      const created = await createPackage(t.deps, actor(packageManager), {
        catalogId: catalog.id,
        name: `Mine ${uniqueSuffix()}`,
      });
      expect(created.package.catalogId).toBe(catalog.id);
      await expectForbidden(
        t.database.db,
        () => createPackage(t.deps, actor(packageManager), { name: `Not mine ${uniqueSuffix()}` }),
        /General/,
      );
    });

    it('refuses readers and assignment managers', async () => {
      const { catalog, reader, assignmentManager } = await catalogWithPeople(t.deps, 'Campaigns');
      for (const who of [reader, assignmentManager]) {
        await expectForbidden(
          t.database.db,
          () => createPackage(t.deps, actor(who), { catalogId: catalog.id, name: `No ${uniqueSuffix()}` }),
          /manage access packages here/,
        );
      }
    });

    it('refuses a name a live package has (ignoring case); a deleted one frees it', async () => {
      const { package: pkg } = await newPackage();
      await expectRefusal(
        t.database.db,
        () => createPackage(t.deps, ADMIN, { name: pkg.name.toLowerCase() }),
        'package.name_taken',
        `There is already an access package called ${pkg.name}.`,
      );
      await deletePackage(t.deps, ADMIN, { packageId: pkg.id });
      const again = await createPackage(t.deps, ADMIN, { name: pkg.name });
      expect(again.package.id).not.toBe(pkg.id);
    });

    it('refuses bad names and bad policies, leaving nothing behind (not even a registered group)', async () => {
      const outside = { kind: 'slack_usergroup', externalId: slackId('S'), name: 'never-registered' };
      const cases: [Record<string, unknown>, Parameters<typeof expectRefusal>[2], RegExp?][] = [
        [{ name: '' }, 'input.invalid', /name/],
        [{ name: 'x'.repeat(81) }, 'input.invalid', /80 characters/],
        [
          { name: `P ${uniqueSuffix()}`, policy: { expiry: { kind: 'days', days: 0 } } },
          'input.invalid',
          /expiry/,
        ],
        [
          {
            name: `P ${uniqueSuffix()}`,
            resourceRoles: [{ resource: outside }],
            policy: { approvalStages: [{ approverUserIds: [] }] },
          },
          'policy.no_approvers',
          /stage 1 has no approvers/,
        ],
        [
          { name: `P ${uniqueSuffix()}`, resourceRoles: [{ resource: outside, role: 'owner' }] },
          'resource.role_unknown',
          /has no role "owner": choose one of member/,
        ],
        [
          { name: `P ${uniqueSuffix()}`, resourceRoles: [{ resource: outside }, { resource: outside }] },
          'package.role_exists',
        ],
      ];
      for (const [input, code, message] of cases) {
        await expectRefusal(t.database.db, () => createPackage(t.deps, ADMIN, input), code, message);
      }
      const left = await t.database.db
        .select()
        .from(resources)
        .where(eq(resources.externalId, outside.externalId));
      expect(left).toEqual([]);
    });

    it('refuses a resource of another catalog, naming that catalog', async () => {
      const { catalog } = await catalogWithPeople(t.deps, 'Campaigns');
      const theirs = await insertResource(t.database.db, { catalogId: catalog.id, name: 'their-group' });
      await expectRefusal(
        t.database.db,
        () =>
          createPackage(t.deps, ADMIN, {
            name: `Cross ${uniqueSuffix()}`,
            resourceRoles: [{ resourceId: theirs.id }],
          }),
        'resource.already_registered',
        `their-group is registered in the ${catalog.name} catalog`,
      );
      await expectRefusal(
        t.database.db,
        () =>
          createPackage(t.deps, ADMIN, {
            name: `Cross ${uniqueSuffix()}`,
            resourceRoles: [
              { resource: { kind: 'slack_usergroup', externalId: theirs.externalId, name: 'x' } },
            ],
          }),
        'resource.already_registered',
        new RegExp(catalog.name),
      );
    });
  });

  describe('editPackage', () => {
    it('changes name, description and hidden, auditing only what changed', async () => {
      const { package: pkg } = await newPackage();
      const name = `Renamed ${uniqueSuffix()}`;
      const edited = await editPackage(t.deps, ADMIN, {
        packageId: pkg.id,
        name,
        description: pkg.description,
        hidden: true,
      });
      expect(edited).toMatchObject({ name, hidden: true });
      const rows = await auditRowsFor(t.database.db, 'package.edited', { packageId: pkg.id });
      expect(rows).toHaveLength(1);
      expect(rows[0]?.data).toEqual({ from: { name: pkg.name, hidden: false }, to: { name, hidden: true } });
      await editPackage(t.deps, ADMIN, { packageId: pkg.id, hidden: true });
      expect(await auditRowsFor(t.database.db, 'package.edited', { packageId: pkg.id })).toHaveLength(1);
    });

    it('refuses a taken name, an empty name, readers and unknown packages', async () => {
      const { catalog, reader, packageManager } = await catalogWithPeople(t.deps, 'Campaigns');
      const first = await newPackage(catalog.id);
      const second = await newPackage(catalog.id);
      await expectRefusal(
        t.database.db,
        () =>
          editPackage(t.deps, ADMIN, {
            packageId: second.package.id,
            name: first.package.name.toUpperCase(),
          }),
        'package.name_taken',
      );
      await expectRefusal(
        t.database.db,
        () => editPackage(t.deps, ADMIN, { packageId: second.package.id, name: ' ' }),
        'input.invalid',
      );
      await expectForbidden(t.database.db, () =>
        editPackage(t.deps, actor(reader), { packageId: second.package.id, hidden: true }),
      );
      await expectRefusal(
        t.database.db,
        () => editPackage(t.deps, ADMIN, { packageId: 987_654, hidden: true }),
        'package.not_found',
      );
      const edited = await editPackage(t.deps, actor(packageManager), {
        packageId: second.package.id,
        description: 'Managed',
      });
      expect(edited.description).toBe('Managed');
    });
  });

  describe('deletePackage', () => {
    it('deletes a package nobody holds, canceling its open requests and its incompatibilities', async () => {
      const { package: pkg, policy } = await newPackage();
      const other = await newPackage();
      await setIncompatiblePackages(t.deps, ADMIN, {
        packageId: pkg.id,
        otherPackageIds: [other.package.id],
      });
      const requestor = await insertUser(t.database.db);
      const open = await insertRequest(t.database.db, {
        packageId: pkg.id,
        policyId: policy.id,
        userId: requestor,
      });
      t.clock.advanceSeconds(30);
      const result = await deletePackage(t.deps, ADMIN, { packageId: pkg.id });
      expect(result).toEqual({
        packageId: pkg.id,
        endedAssignmentIds: [],
        canceledRequestIds: [open!.id],
        fulfilmentIds: [],
      });
      const [row] = await t.database.db.select().from(accessPackages).where(eq(accessPackages.id, pkg.id));
      expect(row?.deletedAt).toEqual(t.clock.now());
      const [request] = await t.database.db.select().from(requests).where(eq(requests.id, open!.id));
      expect(request).toMatchObject({ state: 'canceled', outcomeNote: `${pkg.name} was deleted.` });
      expect((await outboxFor(t.database.db, requestor)).map((o) => o.kind)).toEqual(['request_canceled']);
      const pairs = await t.database.db
        .select()
        .from(packageIncompatibilities)
        .where(eq(packageIncompatibilities.otherPackageId, Math.max(pkg.id, other.package.id)));
      expect(pairs).toEqual([]);
      const [audited] = await auditRowsFor(t.database.db, 'package.deleted', { packageId: pkg.id });
      expect(audited?.data).toMatchObject({
        name: pkg.name,
        force: false,
        endedAssignments: 0,
        canceledRequests: 1,
      });
      await expectRefusal(
        t.database.db,
        () => deletePackage(t.deps, ADMIN, { packageId: pkg.id }),
        'package.not_found',
      );
    });

    it('is refused while people hold the package, saying how many and that force removes them', async () => {
      const { package: pkg, policy } = await newPackage();
      await holder(pkg, policy.id);
      await holder(pkg, policy.id);
      await expectRefusal(
        t.database.db,
        () => deletePackage(t.deps, ADMIN, { packageId: pkg.id }),
        'package.has_assignments',
        `${pkg.name} can't be deleted: 2 people hold it. Delete it with force to remove their access too.`,
      );
    });

    it('with force removes every assignment and revokes the access', async () => {
      const { package: pkg, policy, resource } = await newPackage();
      const userId = await holder(pkg, policy.id);
      expect(t.connector.has(resource.externalId, userId)).toBe(true);
      const result = await deletePackage(t.deps, ADMIN, { packageId: pkg.id, force: true });
      expect(result.endedAssignmentIds).toHaveLength(1);
      expect(result.fulfilmentIds).toHaveLength(1);
      const [assignment] = await t.database.db
        .select()
        .from(assignments)
        .where(eq(assignments.packageId, pkg.id));
      expect(assignment).toMatchObject({
        state: 'removed',
        endReason: 'package_deleted',
        endedBy: ADMIN.userId,
      });
      await deliverFulfilments(t.deps, result.fulfilmentIds);
      expect(t.connector.has(resource.externalId, userId)).toBe(false);
      expect((await outboxFor(t.database.db, userId)).map((o) => o.kind)).toContain('access_ended');
      const [audited] = await auditRowsFor(t.database.db, 'package.deleted', { packageId: pkg.id });
      expect(audited?.data).toMatchObject({ force: true, endedAssignments: 1 });
    });

    it('refuses readers and assignment managers', async () => {
      const { catalog, reader, assignmentManager } = await catalogWithPeople(t.deps, 'Campaigns');
      const { package: pkg } = await newPackage(catalog.id);
      for (const who of [reader, assignmentManager]) {
        await expectForbidden(t.database.db, () =>
          deletePackage(t.deps, actor(who), { packageId: pkg.id, force: true }),
        );
      }
    });
  });

  describe('addResourceRole', () => {
    it('adds a role of a catalog resource and grants it to everyone who holds the package', async () => {
      const { package: pkg, policy } = await newPackage();
      const userId = await holder(pkg, policy.id);
      const channel = await insertResource(t.database.db, {
        kind: 'slack_channel',
        externalId: slackId('C'),
        name: '#campaign',
      });
      const added = await addResourceRole(t.deps, ADMIN, {
        packageId: pkg.id,
        resourceId: channel.id,
        role: 'member',
      });
      expect(added).toMatchObject({ role: 'member', registered: false, resource: { id: channel.id } });
      expect(added.fulfilmentIds).toHaveLength(1);
      await deliverFulfilments(t.deps, added.fulfilmentIds);
      expect(t.connector.has(channel.externalId, userId)).toBe(true);
      const rows = await auditRowsFor(t.database.db, 'package.role_added', {
        packageId: pkg.id,
        resourceId: channel.id,
      });
      expect(rows).toHaveLength(1);
      expect(rows[0]?.data).toMatchObject({ role: 'member', resource: '#campaign' });
    });

    it('refuses a package manager creating a package with a user group no catalog holds: nothing is half-created', async () => {
      const { catalog, packageManager } = await catalogWithPeople(t.deps, 'Campaigns');
      const name = `Security ${uniqueSuffix()}`;
      await expectRefusal(
        t.database.db,
        () =>
          createPackage(t.deps, actor(packageManager), {
            catalogId: catalog.id,
            name,
            resourceRoles: [
              {
                resource: { kind: 'slack_usergroup', externalId: slackId('S'), name: 'Security admins' },
                role: 'member',
              },
            ],
          }),
        'auth.forbidden',
        /Ask one of them to add the user group Security admins/,
      );
      expect(await auditRowsFor(t.database.db, 'auth.refused', { catalogId: catalog.id })).toHaveLength(1);
    });

    it('registers a Slack channel not in any catalog in the package catalog, for its owners only', async () => {
      const { catalog, owner, packageManager } = await catalogWithPeople(t.deps, 'Campaigns');
      const { package: pkg } = await newPackage(catalog.id);
      const externalId = slackId('C');
      // The escalation hole: a package manager brought any group into their catalog, then assigned themselves.
      await expectRefusal(
        t.database.db,
        () =>
          addResourceRole(t.deps, actor(packageManager), {
            packageId: pkg.id,
            resource: { kind: 'slack_channel', externalId, name: '#launch' },
          }),
        'auth.forbidden',
        `Only owners of the ${catalog.name} catalog and Gatehouse admins can bring a new resource into it.`,
      );
      const [refused] = await auditRowsFor(t.database.db, 'auth.refused', { catalogId: catalog.id });
      expect(refused).toMatchObject({
        actorId: packageManager,
        data: {
          permission: 'catalog.manage',
          resource: { kind: 'slack_channel', externalId, name: '#launch' },
        },
      });
      const added = await addResourceRole(t.deps, actor(owner), {
        packageId: pkg.id,
        resource: { kind: 'slack_channel', externalId, name: '#launch' },
      });
      expect(added).toMatchObject({ registered: true, role: 'member', fulfilmentIds: [] });
      expect(added.resource).toMatchObject({ catalogId: catalog.id, externalId, kind: 'slack_channel' });
      expect(await auditActions(t.database.db, { packageId: pkg.id })).toContain('package.role_added');
      expect(
        await auditRowsFor(t.database.db, 'resource.registered', { resourceId: added.resource.id }),
      ).toHaveLength(1);
      // The same channel given again is the registered one, so it is a duplicate role.
      await expectRefusal(
        t.database.db,
        () =>
          addResourceRole(t.deps, ADMIN, {
            packageId: pkg.id,
            resource: { kind: 'slack_channel', externalId, name: '#launch' },
          }),
        'package.role_exists',
        `${pkg.name} already grants member on #launch.`,
      );
    });

    it("offers a webhook's declared roles and refuses any other", async () => {
      const { catalog } = await catalogWithPeople(t.deps, 'Campaigns');
      const { package: pkg } = await newPackage(catalog.id);
      const hook = await registerResource(t.deps, ADMIN, {
        catalogId: catalog.id,
        kind: 'webhook',
        externalId: `crm-${uniqueSuffix()}`,
        name: 'CRM',
        webhookUrl: 'https://crm.example.com/hook',
        webhookSecret: '0123456789abcdef',
        roles: ['viewer', 'editor'],
      });
      const added = await addResourceRole(t.deps, ADMIN, {
        packageId: pkg.id,
        resourceId: hook.id,
        role: 'editor',
      });
      expect(added.role).toBe('editor');
      await expectRefusal(
        t.database.db,
        () => addResourceRole(t.deps, ADMIN, { packageId: pkg.id, resourceId: hook.id, role: 'admin' }),
        'resource.role_unknown',
        'CRM has no role "admin": choose one of viewer, editor.',
      );
    });

    it('refuses resources of another catalog, removed resources, and readers', async () => {
      const { catalog, reader } = await catalogWithPeople(t.deps, 'Campaigns');
      const { package: pkg } = await newPackage(catalog.id);
      const generalGroup = await insertResource(t.database.db, { name: 'general-group' });
      await expectRefusal(
        t.database.db,
        () => addResourceRole(t.deps, ADMIN, { packageId: pkg.id, resourceId: generalGroup.id }),
        'resource.already_registered',
        `general-group is registered in the General catalog; ${pkg.name} can only use resources of ${catalog.name}.`,
      );
      await expectRefusal(
        t.database.db,
        () =>
          addResourceRole(t.deps, ADMIN, {
            packageId: pkg.id,
            resource: { kind: 'slack_usergroup', externalId: generalGroup.externalId, name: 'same' },
          }),
        'resource.already_registered',
        /General catalog/,
      );
      const removed = await insertResource(t.database.db, {
        catalogId: catalog.id,
        removedAt: t.clock.now(),
      });
      await expectRefusal(
        t.database.db,
        () => addResourceRole(t.deps, ADMIN, { packageId: pkg.id, resourceId: removed.id }),
        'resource.not_found',
      );
      const mine = await insertResource(t.database.db, { catalogId: catalog.id });
      await expectForbidden(t.database.db, () =>
        addResourceRole(t.deps, actor(reader), { packageId: pkg.id, resourceId: mine.id }),
      );
    });
  });

  describe('removeResourceRole', () => {
    it('takes the role off the package and revokes it from its holders', async () => {
      const { package: pkg, policy, resource } = await newPackage();
      const userId = await holder(pkg, policy.id);
      expect(t.connector.has(resource.externalId, userId)).toBe(true);
      const { fulfilmentIds } = await removeResourceRole(t.deps, ADMIN, {
        packageId: pkg.id,
        resourceId: resource.id,
        role: 'member',
      });
      expect(fulfilmentIds).toHaveLength(1);
      await deliverFulfilments(t.deps, fulfilmentIds);
      expect(t.connector.has(resource.externalId, userId)).toBe(false);
      const left = await t.database.db
        .select()
        .from(packageResourceRoles)
        .where(
          and(eq(packageResourceRoles.packageId, pkg.id), eq(packageResourceRoles.resourceId, resource.id)),
        );
      expect(left).toEqual([]);
      const rows = await auditRowsFor(t.database.db, 'package.role_removed', { packageId: pkg.id });
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ resourceId: resource.id, data: { role: 'member', revokesQueued: 1 } });
      // The assignment itself stays: only that role went.
      const [assignment] = await t.database.db
        .select()
        .from(assignments)
        .where(eq(assignments.packageId, pkg.id));
      expect(assignment?.state).toBe('delivered');
    });

    it('is refused for a role the package does not grant, and for readers', async () => {
      const { catalog, reader } = await catalogWithPeople(t.deps, 'Campaigns');
      const { package: pkg, resource } = await newPackage(catalog.id);
      await expectRefusal(
        t.database.db,
        () =>
          removeResourceRole(t.deps, ADMIN, { packageId: pkg.id, resourceId: resource.id, role: 'owner' }),
        'package.role_not_found',
        `${pkg.name} doesn't grant owner on that resource.`,
      );
      await expectRefusal(
        t.database.db,
        () =>
          removeResourceRole(t.deps, actor(reader), {
            packageId: pkg.id,
            resourceId: resource.id,
            role: 'member',
          }),
        'auth.forbidden',
      );
    });
  });

  it('keeps one policy row per package created', async () => {
    const { package: pkg } = await newPackage();
    const rows = await t.database.db.select().from(policies).where(eq(policies.packageId, pkg.id));
    expect(rows).toHaveLength(1);
  });
});
