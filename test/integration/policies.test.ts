import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { packageIncompatibilities, policies, requests } from '../../src/db/schema.js';
import { setIncompatiblePackages } from '../../src/services/catalog/incompatibilities.js';
import {
  createPolicy,
  deletePolicy,
  editPolicy,
  listPolicies,
  policySettingsOf,
} from '../../src/services/catalog/policies.js';
import { setUsergroupMembers } from '../../src/services/catalog/users.js';
import { createHeldAssignment } from '../support/assignments.js';
import { catalogWithPeople, makePackage } from '../support/catalog.js';
import { databaseLabel } from '../support/db.js';
import { ADMIN, actor, useTestEngine } from '../support/engine.js';
import { insertRequest, insertUser, slackId } from '../support/fixtures.js';
import { auditRowsFor, expectForbidden, expectRefusal } from '../support/refusals.js';

const t = useTestEngine();

/** A package granting nothing, requestable by every member: its first policy is `first`. */
async function newPackage(catalogId?: number) {
  const made = await makePackage(t.deps, {
    catalogId,
    resourceRoles: [],
    policy: { requestorScope: 'all_members' },
  });
  return { pkg: made.package, first: made.policy };
}

async function priorities(packageId: number) {
  const rows = await listPolicies(t.deps, ADMIN, { packageId });
  return rows.map((p) => [p.name, p.priority]);
}

describe(`policies (${databaseLabel})`, () => {
  describe('createPolicy', () => {
    it('adds a policy after the others by default, audited', async () => {
      const { pkg } = await newPackage();
      const { policy, warnings } = await createPolicy(t.deps, ADMIN, {
        packageId: pkg.id,
        name: 'Contractors',
        requestorScope: 'specific',
        requestorUserIds: [slackId('U')],
        expiry: { kind: 'days', days: 14 },
      });
      expect(policy).toMatchObject({
        name: 'Contractors',
        priority: 2,
        version: 1,
        expiry: { kind: 'days', days: 14 },
      });
      expect(warnings).toEqual([]);
      expect(await priorities(pkg.id)).toEqual([
        ['Initial policy', 1],
        ['Contractors', 2],
      ]);
      const rows = await auditRowsFor(t.database.db, 'policy.created', { packageId: pkg.id });
      expect(rows.map((r) => (r.data as { policyId: number }).policyId)).toContain(policy.id);
    });

    it('inserts at a given priority and renumbers the others', async () => {
      const { pkg } = await newPackage();
      await createPolicy(t.deps, ADMIN, { packageId: pkg.id, name: 'Second', requestorScope: 'all_members' });
      await createPolicy(t.deps, ADMIN, {
        packageId: pkg.id,
        name: 'Top',
        requestorScope: 'all_members',
        priority: 1,
      });
      await createPolicy(t.deps, ADMIN, {
        packageId: pkg.id,
        name: 'Last',
        requestorScope: 'all_members',
        priority: 99,
      });
      expect(await priorities(pkg.id)).toEqual([
        ['Top', 1],
        ['Initial policy', 2],
        ['Second', 3],
        ['Last', 4],
      ]);
    });

    it('refuses an approval stage without approvers, even with fallbacks', async () => {
      const { pkg } = await newPackage();
      await expectRefusal(
        t.database.db,
        () =>
          createPolicy(t.deps, ADMIN, {
            packageId: pkg.id,
            approvalStages: [{ approverUserIds: [slackId('U')] }, { fallbackUserIds: [slackId('U')] }],
          }),
        'policy.no_approvers',
        'Approval stage 2 has no approvers: add at least one person or user group.',
      );
    });

    it('refuses readers and bad settings', async () => {
      const { catalog, reader } = await catalogWithPeople(t.deps, 'Policies');
      const { pkg } = await newPackage(catalog.id);
      await expectForbidden(t.database.db, () => createPolicy(t.deps, actor(reader), { packageId: pkg.id }));
      await expectRefusal(
        t.database.db,
        () => createPolicy(t.deps, ADMIN, { packageId: pkg.id, requestorUserIds: ['bob'] }),
        'input.invalid',
        /Slack user id/,
      );
      await expectRefusal(
        t.database.db,
        () => createPolicy(t.deps, ADMIN, { packageId: pkg.id, name: 'x'.repeat(81) }),
        'input.invalid',
      );
    });
  });

  describe('warnings: a requestor who is the only approver', () => {
    it('warns when a named requestor is the only approver of a stage without fallbacks', async () => {
      const { pkg } = await newPackage();
      const lead = slackId('U');
      const { warnings } = await createPolicy(t.deps, ADMIN, {
        packageId: pkg.id,
        requestorScope: 'specific',
        requestorUserIds: [lead, slackId('U')],
        approvalStages: [{ approverUserIds: [lead] }],
      });
      expect(warnings).toEqual([
        `<@${lead}> is the only approver of stage 1 and can also request this package: their own requests would be refused. Add a fallback approver.`,
      ]);
    });

    it('does not warn when the stage has a fallback approver or a second approver', async () => {
      const { pkg } = await newPackage();
      const lead = slackId('U');
      const withFallback = await createPolicy(t.deps, ADMIN, {
        packageId: pkg.id,
        requestorScope: 'specific',
        requestorUserIds: [lead],
        approvalStages: [{ approverUserIds: [lead], fallbackUserIds: [slackId('U')] }],
      });
      expect(withFallback.warnings).toEqual([]);
      const twoApprovers = await createPolicy(t.deps, ADMIN, {
        packageId: pkg.id,
        requestorScope: 'specific',
        requestorUserIds: [lead],
        approvalStages: [{ approverUserIds: [lead, slackId('U')] }],
      });
      expect(twoApprovers.warnings).toEqual([]);
    });

    it('warns for every-member policies and for requestors through a cached user group', async () => {
      const { pkg } = await newPackage();
      const lead = slackId('U');
      const everyone = await createPolicy(t.deps, ADMIN, {
        packageId: pkg.id,
        requestorScope: 'all_members',
        approvalStages: [{ approverUserIds: [lead] }],
      });
      expect(everyone.warnings).toHaveLength(1);
      const group = slackId('S');
      await setUsergroupMembers(t.deps, ADMIN, { usergroupId: group, userIds: [lead] });
      const viaGroup = await createPolicy(t.deps, ADMIN, {
        packageId: pkg.id,
        requestorScope: 'specific',
        requestorUsergroupIds: [group],
        approvalStages: [{ approverUserIds: [slackId('U')] }, { approverUserIds: [lead] }],
      });
      expect(viaGroup.warnings).toEqual([expect.stringContaining('only approver of stage 2')]);
    });
  });

  describe('editPolicy', () => {
    it('changes settings, bumps the version, audits the change and leaves submitted requests alone', async () => {
      const { pkg, first } = await newPackage();
      const requestor = await insertUser(t.database.db);
      const snapshot = policySettingsOf(first);
      const request = await insertRequest(t.database.db, {
        packageId: pkg.id,
        policyId: first.id,
        policySnapshot: snapshot,
        userId: requestor,
      });
      const { policy } = await editPolicy(t.deps, ADMIN, {
        policyId: first.id,
        requestsEnabled: false,
        expiry: { kind: 'days', days: 7 },
      });
      expect(policy).toMatchObject({ version: 2, requestsEnabled: false, expiry: { kind: 'days', days: 7 } });
      const rows = await auditRowsFor(t.database.db, 'policy.edited', { packageId: pkg.id });
      expect(rows).toHaveLength(1);
      expect(rows[0]?.data).toEqual({
        policyId: first.id,
        version: 2,
        from: { requestsEnabled: true, expiry: { kind: 'days', days: 365 } },
        to: { requestsEnabled: false, expiry: { kind: 'days', days: 7 } },
      });
      const [after] = await t.database.db.select().from(requests).where(eq(requests.id, request!.id));
      expect(after).toMatchObject({
        policyVersion: 1,
        state: 'pending_approval',
        updatedAt: request!.updatedAt,
      });
      expect(after?.policySnapshot).toEqual(JSON.parse(JSON.stringify(snapshot)));
    });

    it('does nothing (no version, no audit row) when nothing changes', async () => {
      const { pkg, first } = await newPackage();
      const { policy } = await editPolicy(t.deps, ADMIN, {
        policyId: first.id,
        requestorScope: 'all_members',
      });
      expect(policy.version).toBe(1);
      expect(await auditRowsFor(t.database.db, 'policy.edited', { packageId: pkg.id })).toEqual([]);
    });

    it('moves a policy up without bumping its version', async () => {
      const { pkg } = await newPackage();
      const { policy: second } = await createPolicy(t.deps, ADMIN, { packageId: pkg.id, name: 'Second' });
      const { policy } = await editPolicy(t.deps, ADMIN, { policyId: second.id, priority: 1 });
      expect(policy).toMatchObject({ priority: 1, version: 1 });
      expect(await priorities(pkg.id)).toEqual([
        ['Second', 1],
        ['Initial policy', 2],
      ]);
      const [row] = await auditRowsFor(t.database.db, 'policy.edited', { packageId: pkg.id });
      expect(row?.data).toMatchObject({ from: { priority: 2 }, to: { priority: 1 } });
    });

    it('returns warnings for the edited settings', async () => {
      const { first } = await newPackage();
      const lead = slackId('U');
      const { warnings } = await editPolicy(t.deps, ADMIN, {
        policyId: first.id,
        approvalStages: [{ approverUserIds: [lead] }],
      });
      expect(warnings).toEqual([expect.stringContaining(`<@${lead}> is the only approver of stage 1`)]);
    });

    it('refuses unknown fields, invalid values, empty stages and readers, changing nothing', async () => {
      const { catalog, reader } = await catalogWithPeople(t.deps, 'Policies');
      const { first } = await newPackage(catalog.id);
      await expectRefusal(
        t.database.db,
        () => editPolicy(t.deps, ADMIN, { policyId: first.id, requestsEnabledd: false }),
        'input.invalid',
      );
      await expectRefusal(
        t.database.db,
        () => editPolicy(t.deps, ADMIN, { policyId: first.id, expiry: { kind: 'days', days: -1 } }),
        'input.invalid',
        /expiry/,
      );
      await expectRefusal(
        t.database.db,
        () => editPolicy(t.deps, ADMIN, { policyId: first.id, approvalStages: [{}] }),
        'policy.no_approvers',
      );
      await expectForbidden(t.database.db, () =>
        editPolicy(t.deps, actor(reader), { policyId: first.id, requestsEnabled: false }),
      );
      await expectRefusal(
        t.database.db,
        () => editPolicy(t.deps, ADMIN, { policyId: 555_555, requestsEnabled: false }),
        'policy.not_found',
      );
    });
  });

  describe('deletePolicy', () => {
    it('deletes a policy and renumbers the rest', async () => {
      const { pkg, first } = await newPackage();
      await createPolicy(t.deps, ADMIN, { packageId: pkg.id, name: 'Second' });
      await deletePolicy(t.deps, ADMIN, { policyId: first.id });
      expect(await priorities(pkg.id)).toEqual([['Second', 1]]);
      const [row] = await t.database.db.select().from(policies).where(eq(policies.id, first.id));
      expect(row?.deletedAt).toEqual(t.clock.now());
      const [audited] = await auditRowsFor(t.database.db, 'policy.deleted', { packageId: pkg.id });
      expect(audited?.data).toEqual({ policyId: first.id, name: 'Initial policy' });
      await expectRefusal(
        t.database.db,
        () => editPolicy(t.deps, ADMIN, { policyId: first.id, requestsEnabled: false }),
        'policy.not_found',
      );
    });

    it("keeps a package's last policy", async () => {
      const { pkg, first } = await newPackage();
      await expectRefusal(
        t.database.db,
        () => deletePolicy(t.deps, ADMIN, { policyId: first.id }),
        'policy.last_policy',
        `Initial policy is the only policy of ${pkg.name}: a package keeps at least one.`,
      );
    });

    it('keeps a policy people hold access under', async () => {
      const { pkg, first } = await newPackage();
      await createPolicy(t.deps, ADMIN, { packageId: pkg.id, name: 'Second' });
      const userId = await insertUser(t.database.db);
      await createHeldAssignment(t.deps, { packageId: pkg.id, name: pkg.name, policyId: first.id }, userId, {
        actor: ADMIN,
      });
      await expectRefusal(
        t.database.db,
        () => deletePolicy(t.deps, ADMIN, { policyId: first.id }),
        'policy.in_use',
        /1 person holds/,
      );
    });

    it('refuses readers', async () => {
      const { catalog, reader } = await catalogWithPeople(t.deps, 'Policies');
      const { pkg, first } = await newPackage(catalog.id);
      await createPolicy(t.deps, ADMIN, { packageId: pkg.id, name: 'Second' });
      await expectForbidden(t.database.db, () => deletePolicy(t.deps, actor(reader), { policyId: first.id }));
    });
  });

  describe('listPolicies', () => {
    it('lets readers list, refuses outsiders', async () => {
      const { catalog, reader, outsider } = await catalogWithPeople(t.deps, 'Policies');
      const { pkg } = await newPackage(catalog.id);
      expect((await listPolicies(t.deps, actor(reader), { packageId: pkg.id })).map((p) => p.name)).toEqual([
        'Initial policy',
      ]);
      await expectForbidden(t.database.db, () =>
        listPolicies(t.deps, actor(outsider), { packageId: pkg.id }),
      );
    });
  });

  describe('setIncompatiblePackages', () => {
    async function pairsOf(packageId: number) {
      const rows = await t.database.db.select().from(packageIncompatibilities);
      return rows
        .filter((r) => r.packageId === packageId || r.otherPackageId === packageId)
        .map((r) => [r.packageId, r.otherPackageId]);
    }

    it('stores each pair once with the lower id first, replaces the set, and audits', async () => {
      const a = await newPackage();
      const b = await newPackage();
      const c = await newPackage();
      // Set from the highest id so the stored order is visibly normalised.
      const result = await setIncompatiblePackages(t.deps, ADMIN, {
        packageId: c.pkg.id,
        otherPackageIds: [a.pkg.id, b.pkg.id, a.pkg.id],
      });
      expect(result).toEqual({
        packageId: c.pkg.id,
        incompatibleWith: [a.pkg.id, b.pkg.id],
        added: [a.pkg.id, b.pkg.id],
        removed: [],
      });
      expect((await pairsOf(c.pkg.id)).sort()).toEqual(
        [
          [a.pkg.id, c.pkg.id],
          [b.pkg.id, c.pkg.id],
        ].sort(),
      );
      // Symmetric: from a's side, c is already there.
      const fromA = await setIncompatiblePackages(t.deps, ADMIN, {
        packageId: a.pkg.id,
        otherPackageIds: [c.pkg.id],
      });
      expect(fromA).toMatchObject({ added: [], removed: [] });
      const replaced = await setIncompatiblePackages(t.deps, ADMIN, {
        packageId: c.pkg.id,
        otherPackageIds: [b.pkg.id],
      });
      expect(replaced).toMatchObject({ added: [], removed: [a.pkg.id] });
      expect(await pairsOf(c.pkg.id)).toEqual([[b.pkg.id, c.pkg.id]]);
      const rows = await auditRowsFor(t.database.db, 'package.incompatibility_set', { packageId: c.pkg.id });
      expect(rows.map((r) => r.data)).toEqual([
        { incompatibleWith: [a.pkg.id, b.pkg.id], added: [a.pkg.id, b.pkg.id], removed: [] },
        { incompatibleWith: [b.pkg.id], added: [], removed: [a.pkg.id] },
      ]);
      expect(
        await auditRowsFor(t.database.db, 'package.incompatibility_set', { packageId: a.pkg.id }),
      ).toEqual([]);
    });

    it('refuses the package itself and unknown packages', async () => {
      const a = await newPackage();
      await expectRefusal(
        t.database.db,
        () => setIncompatiblePackages(t.deps, ADMIN, { packageId: a.pkg.id, otherPackageIds: [a.pkg.id] }),
        'input.invalid',
        "can't be incompatible with itself",
      );
      await expectRefusal(
        t.database.db,
        () => setIncompatiblePackages(t.deps, ADMIN, { packageId: a.pkg.id, otherPackageIds: [424_242] }),
        'package.not_found',
      );
    });

    it('needs package.manage in both catalogs', async () => {
      const { catalog, packageManager } = await catalogWithPeople(t.deps, 'Policies');
      const mine = await newPackage(catalog.id);
      const other = await catalogWithPeople(t.deps, 'Policies');
      const theirs = await newPackage(other.catalog.id);
      const sibling = await newPackage(catalog.id);
      await expectRefusal(
        t.database.db,
        () =>
          setIncompatiblePackages(t.deps, actor(packageManager), {
            packageId: mine.pkg.id,
            otherPackageIds: [theirs.pkg.id],
          }),
        'auth.forbidden',
        new RegExp(other.catalog.name),
      );
      const ok = await setIncompatiblePackages(t.deps, actor(packageManager), {
        packageId: mine.pkg.id,
        otherPackageIds: [sibling.pkg.id],
      });
      expect(ok.added).toEqual([sibling.pkg.id]);
    });
  });
});
