import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { accessPackages, policies } from '../../src/db/schema.js';
import {
  findPackagesByName,
  getPackageDetails,
  listPackages,
  type RequestablePackage,
  requestablePackages,
} from '../../src/services/catalog/catalog-queries.js';
import { createCatalog, grantCatalogRole } from '../../src/services/catalog/catalogs.js';
import { setIncompatiblePackages } from '../../src/services/catalog/incompatibilities.js';
import { createPackage, deletePackage, editPackage } from '../../src/services/catalog/packages.js';
import { createPolicy, deletePolicy } from '../../src/services/catalog/policies.js';
import { setUsergroupMembers, upsertUser } from '../../src/services/catalog/users.js';
import { makePackage, type PackageSpec } from '../support/catalog.js';
import { databaseLabel } from '../support/db.js';
import { ADMIN, actor, useTestEngine } from '../support/engine.js';
import { insertResource, slackId, uniqueSuffix } from '../support/fixtures.js';
import { expectForbidden, expectRefusal } from '../support/refusals.js';

const t = useTestEngine();

/** A package granting nothing, requestable by every member unless `policy` says otherwise. */
async function newPackage(spec: Pick<PackageSpec, 'name' | 'catalogId' | 'policy'> = {}) {
  const made = await makePackage(t.deps, {
    resourceRoles: [],
    policy: { requestorScope: 'all_members' },
    ...spec,
  });
  return { pkg: made.package, policy: made.policy };
}

async function person(
  overrides: { kind?: 'member' | 'guest' | 'bot'; isExternal?: boolean; deactivated?: boolean } = {},
) {
  const id = slackId('U');
  await upsertUser(t.deps, ADMIN, { id, name: `person-${id.toLowerCase()}`, ...overrides });
  return id;
}

/** What `userId` may request among `packageIds`: package id → policy names. */
async function requestable(userId: string, packageIds: number[]) {
  const list: RequestablePackage[] = await requestablePackages(t.deps, actor(userId), { userId });
  return Object.fromEntries(
    list
      .filter((p) => packageIds.includes(p.package.id))
      .map((p) => [p.package.id, p.policies.map((x) => x.name)]),
  );
}

describe(`catalog read models (${databaseLabel})`, () => {
  describe('listPackages', () => {
    it('lists a catalog’s live packages with counts; hidden ones only when asked', async () => {
      const catalog = await createCatalog(t.deps, ADMIN, { name: `List ${uniqueSuffix()}` });
      const group = await insertResource(t.database.db, { catalogId: catalog.id });
      const channel = await insertResource(t.database.db, { catalogId: catalog.id, kind: 'slack_channel' });
      const full = await createPackage(t.deps, ADMIN, {
        catalogId: catalog.id,
        name: `A full ${uniqueSuffix()}`,
        resourceRoles: [{ resourceId: group.id }, { resourceId: channel.id }],
      });
      await createPolicy(t.deps, ADMIN, { packageId: full.package.id, name: 'Second' });
      const hidden = await newPackage({ catalogId: catalog.id, name: `B hidden ${uniqueSuffix()}` });
      await editPackage(t.deps, ADMIN, { packageId: hidden.pkg.id, hidden: true });
      const gone = await newPackage({ catalogId: catalog.id });
      await deletePackage(t.deps, ADMIN, { packageId: gone.pkg.id });

      const visible = await listPackages(t.deps, ADMIN, { catalogId: catalog.id });
      expect(visible).toEqual([
        {
          id: full.package.id,
          name: full.package.name,
          description: '',
          hidden: false,
          catalogId: catalog.id,
          catalogName: catalog.name,
          resourceRoleCount: 2,
          policyCount: 2,
          activeAssignmentCount: 0,
        },
      ]);
      const all = await listPackages(t.deps, ADMIN, { catalogId: catalog.id, includeHidden: true });
      expect(all.map((p) => p.id)).toEqual([full.package.id, hidden.pkg.id]);
    });

    it('shows people the packages of catalogs they can read; outsiders nothing', async () => {
      const mine = await createCatalog(t.deps, ADMIN, { name: `Mine ${uniqueSuffix()}` });
      const other = await createCatalog(t.deps, ADMIN, { name: `Other ${uniqueSuffix()}` });
      const reader = slackId('U');
      await grantCatalogRole(t.deps, ADMIN, { catalogId: mine.id, userId: reader, role: 'reader' });
      const inMine = await newPackage({ catalogId: mine.id });
      const inOther = await newPackage({ catalogId: other.id });

      const seen = (await listPackages(t.deps, actor(reader))).map((p) => p.id);
      expect(seen).toEqual([inMine.pkg.id]);
      const adminSees = (await listPackages(t.deps, ADMIN)).map((p) => p.id);
      expect(adminSees).toEqual(expect.arrayContaining([inMine.pkg.id, inOther.pkg.id]));
      expect(await listPackages(t.deps, actor(slackId('U')))).toEqual([]);
      await expectForbidden(t.database.db, () =>
        listPackages(t.deps, actor(reader), { catalogId: other.id }),
      );
    });
  });

  describe('getPackageDetails', () => {
    it('finds a package by id or by name ignoring case, with roles, policies and incompatibilities', async () => {
      const group = await insertResource(t.database.db, { name: 'Marketing resources' });
      const created = await createPackage(t.deps, ADMIN, {
        name: `Marketing Campaign ${uniqueSuffix()}`,
        description: 'Access to resources for the campaign',
        resourceRoles: [{ resourceId: group.id }],
      });
      const second = await createPolicy(t.deps, ADMIN, {
        packageId: created.package.id,
        name: 'Top',
        priority: 1,
      });
      const low = await newPackage();
      const high = await newPackage();
      await setIncompatiblePackages(t.deps, ADMIN, {
        packageId: created.package.id,
        otherPackageIds: [low.pkg.id],
      });
      await setIncompatiblePackages(t.deps, ADMIN, {
        packageId: high.pkg.id,
        otherPackageIds: [created.package.id],
      });

      const byId = await getPackageDetails(t.deps, ADMIN, { package: created.package.id });
      const byName = await getPackageDetails(t.deps, ADMIN, { package: created.package.name.toUpperCase() });
      expect(byName).toEqual(byId);
      expect(byId.package).toMatchObject({
        id: created.package.id,
        description: 'Access to resources for the campaign',
      });
      expect(byId.catalog.name).toBe('General');
      expect(byId.resourceRoles).toEqual([
        {
          resourceId: group.id,
          resourceName: 'Marketing resources',
          kind: 'slack_usergroup',
          externalId: group.externalId,
          role: 'member',
        },
      ]);
      expect(byId.policies.map((p) => [p.id, p.priority])).toEqual([
        [second.policy.id, 1],
        [created.policy.id, 2],
      ]);
      expect(byId.incompatiblePackages.map((p) => p.id).sort()).toEqual([low.pkg.id, high.pkg.id].sort());
    });

    it('refuses unknown and deleted packages, and outsiders', async () => {
      await expectRefusal(
        t.database.db,
        () => getPackageDetails(t.deps, ADMIN, { package: 'No Such Package' }),
        'package.not_found',
        'There is no access package called No Such Package.',
      );
      const gone = await newPackage();
      await deletePackage(t.deps, ADMIN, { packageId: gone.pkg.id });
      await expectRefusal(
        t.database.db,
        () => getPackageDetails(t.deps, ADMIN, { package: gone.pkg.id }),
        'package.not_found',
      );
      const kept = await newPackage();
      await expectForbidden(t.database.db, () =>
        getPackageDetails(t.deps, actor(slackId('U')), { package: kept.pkg.id }),
      );
    });
  });

  describe('findPackagesByName', () => {
    it('ranks exact, then prefix, then substring, then all words; never hidden or deleted', async () => {
      const tok = `z${uniqueSuffix()}`;
      const allWords = await newPackage({ name: `Sales for ${tok} team` });
      const substring = await newPackage({ name: `Team ${tok} Sales` });
      const prefix = await newPackage({ name: `${tok} Sales Reports` });
      const exact = await newPackage({ name: `${tok} Sales` });
      const hidden = await newPackage({ name: `${tok} Sales Hidden` });
      await editPackage(t.deps, ADMIN, { packageId: hidden.pkg.id, hidden: true });
      const deleted = await newPackage({ name: `${tok} Sales Old` });
      await deletePackage(t.deps, ADMIN, { packageId: deleted.pkg.id });
      await newPackage({ name: `${tok} Marketing` });

      const found = await findPackagesByName(t.deps, actor(slackId('U')), {
        text: `  ${tok.toUpperCase()}   sales `,
      });
      expect(found.map((p) => p.id)).toEqual([
        exact.pkg.id,
        prefix.pkg.id,
        substring.pkg.id,
        allWords.pkg.id,
      ]);
      expect(found[0]).toEqual({
        id: exact.pkg.id,
        name: exact.pkg.name,
        description: '',
        catalogId: exact.pkg.catalogId,
      });
    });

    it('treats % and _ literally and returns at most 10', async () => {
      const tok = `q${uniqueSuffix()}`;
      for (let i = 0; i < 12; i++) await newPackage({ name: `${tok} pkg ${String(i).padStart(2, '0')}` });
      const found = await findPackagesByName(t.deps, ADMIN, { text: tok });
      expect(found).toHaveLength(10);
      expect(found[0]?.name).toBe(`${tok} pkg 00`);
      expect(await findPackagesByName(t.deps, ADMIN, { text: `${tok}%` })).toEqual([]);
      expect(await findPackagesByName(t.deps, ADMIN, { text: `${tok.slice(0, 3)}_` })).toEqual([]);
    });

    it('refuses empty text', async () => {
      await expectRefusal(
        t.database.db,
        () => findPackagesByName(t.deps, ADMIN, { text: '  ' }),
        'input.invalid',
      );
    });
  });

  describe('requestablePackages', () => {
    it('offers a specific-people policy to the people it names only (guests included)', async () => {
      const alice = await person();
      const guest = await person({ kind: 'guest' });
      const bob = await person();
      const { pkg } = await newPackage({
        policy: { requestorScope: 'specific', requestorUserIds: [alice, guest] },
      });
      expect(await requestable(alice, [pkg.id])).toEqual({ [pkg.id]: ['Initial policy'] });
      expect(await requestable(guest, [pkg.id])).toEqual({ [pkg.id]: ['Initial policy'] });
      expect(await requestable(bob, [pkg.id])).toEqual({});
    });

    it('offers a user-group policy to the cached members of the group', async () => {
      const carol = await person();
      const dan = await person();
      const group = slackId('S');
      const { pkg } = await newPackage({
        policy: { requestorScope: 'specific', requestorUsergroupIds: [group] },
      });
      expect(await requestable(carol, [pkg.id])).toEqual({});
      await setUsergroupMembers(t.deps, ADMIN, { usergroupId: group, userIds: [carol, dan] });
      expect(await requestable(carol, [pkg.id])).toEqual({ [pkg.id]: ['Initial policy'] });
      await setUsergroupMembers(t.deps, ADMIN, { usergroupId: group, userIds: [dan] });
      expect(await requestable(carol, [pkg.id])).toEqual({});
      expect(await requestable(dan, [pkg.id])).toEqual({ [pkg.id]: ['Initial policy'] });
    });

    it('offers an every-member policy to members, not to guests, bots, externals, deactivated or unknown users', async () => {
      const { pkg } = await newPackage({ policy: { requestorScope: 'all_members' } });
      expect(await requestable(await person(), [pkg.id])).toEqual({ [pkg.id]: ['Initial policy'] });
      for (const who of [
        await person({ kind: 'guest' }),
        await person({ kind: 'bot' }),
        await person({ isExternal: true }),
        await person({ deactivated: true }),
        slackId('U'),
      ]) {
        expect(await requestable(who, [pkg.id])).toEqual({});
      }
    });

    it('never offers deactivated, bot or external users anything, even when named', async () => {
      const named = [
        await person({ deactivated: true }),
        await person({ kind: 'bot' }),
        await person({ isExternal: true }),
      ];
      const { pkg } = await newPackage({ policy: { requestorScope: 'specific', requestorUserIds: named } });
      for (const who of named) expect(await requestable(who, [pkg.id])).toEqual({});
    });

    it('leaves out disabled requests, admin-only policies, hidden and deleted packages, deleted policies', async () => {
      const member = await person();
      const disabled = await newPackage({
        policy: { requestorScope: 'all_members', requestsEnabled: false },
      });
      const adminOnly = await newPackage({ policy: { requestorScope: 'none' } });
      const hidden = await newPackage();
      await editPackage(t.deps, ADMIN, { packageId: hidden.pkg.id, hidden: true });
      const deleted = await newPackage();
      await deletePackage(t.deps, ADMIN, { packageId: deleted.pkg.id });
      const policyGone = await newPackage({ policy: { requestorScope: 'none', name: 'Admins' } });
      const { policy: everyone } = await createPolicy(t.deps, ADMIN, {
        packageId: policyGone.pkg.id,
        name: 'Everyone',
        requestorScope: 'all_members',
      });
      const ids = [disabled.pkg.id, adminOnly.pkg.id, hidden.pkg.id, deleted.pkg.id, policyGone.pkg.id];
      expect(await requestable(member, ids)).toEqual({ [policyGone.pkg.id]: ['Everyone'] });
      await createPolicy(t.deps, ADMIN, {
        packageId: policyGone.pkg.id,
        name: 'Spare',
        requestorScope: 'none',
      });
      await deletePolicy(t.deps, ADMIN, { policyId: everyone.id });
      expect(await requestable(member, ids)).toEqual({});
    });

    it('lists every policy that lets the user request, highest priority first, with its settings', async () => {
      const dave = await person();
      const other = await person();
      const { pkg, policy: first } = await newPackage({
        policy: {
          name: 'Named',
          requestorScope: 'specific',
          requestorUserIds: [dave],
          expiry: { kind: 'days', days: 30 },
        },
      });
      await createPolicy(t.deps, ADMIN, {
        packageId: pkg.id,
        name: 'Everyone',
        requestorScope: 'all_members',
      });
      await createPolicy(t.deps, ADMIN, {
        packageId: pkg.id,
        name: 'Urgent',
        requestorScope: 'all_members',
        priority: 1,
      });
      expect(await requestable(dave, [pkg.id])).toEqual({ [pkg.id]: ['Urgent', 'Named', 'Everyone'] });
      expect(await requestable(other, [pkg.id])).toEqual({ [pkg.id]: ['Urgent', 'Everyone'] });
      const [entry] = (await requestablePackages(t.deps, actor(dave), { userId: dave })).filter(
        (p) => p.package.id === pkg.id,
      );
      expect(entry?.package).toEqual({
        id: pkg.id,
        name: pkg.name,
        description: '',
        catalogId: pkg.catalogId,
        catalogName: 'General',
      });
      expect(entry?.policies[1]).toMatchObject({
        id: first.id,
        priority: 2,
        version: 1,
        settings: { name: 'Named', requestorScope: 'specific', expiry: { kind: 'days', days: 30 } },
      });
    });

    it('answers for many packages in order, by name', async () => {
      const member = await person();
      const tok = uniqueSuffix();
      const ids: number[] = [];
      for (const letter of ['c', 'a', 'b']) ids.push((await newPackage({ name: `${letter} ${tok}` })).pkg.id);
      const list = await requestablePackages(t.deps, actor(member), { userId: member });
      const names = list.filter((p) => ids.includes(p.package.id)).map((p) => p.package.name);
      expect(names).toEqual([`a ${tok}`, `b ${tok}`, `c ${tok}`]);
    });

    it('is only for the user themselves or an admin', async () => {
      const member = await person();
      await expectForbidden(t.database.db, () =>
        requestablePackages(t.deps, actor(slackId('U')), { userId: member }),
      );
      expect(Array.isArray(await requestablePackages(t.deps, ADMIN, { userId: member }))).toBe(true);
    });
  });

  it('a deleted package keeps its row and its policies for history', async () => {
    const { pkg, policy } = await newPackage();
    await deletePackage(t.deps, ADMIN, { packageId: pkg.id });
    const [row] = await t.database.db.select().from(accessPackages).where(eq(accessPackages.id, pkg.id));
    expect(row?.deletedAt).not.toBeNull();
    const [policyRow] = await t.database.db.select().from(policies).where(eq(policies.id, policy.id));
    expect(policyRow?.id).toBe(policy.id);
  });
});
