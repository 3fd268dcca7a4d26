import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { accessPackages, catalogs, resources } from '../../src/db/schema.js';
import {
  createCatalog,
  deleteCatalog,
  grantCatalogRole,
  listCatalogRoles,
  listCatalogs,
  renameCatalog,
  revokeCatalogRole,
} from '../../src/services/catalog/catalogs.js';
import { catalogWithPeople, makePackage } from '../support/catalog.js';
import { databaseLabel } from '../support/db.js';
import { ADMIN, actor, useTestEngine } from '../support/engine.js';
import { generalCatalogId, insertResource, slackId, uniqueSuffix } from '../support/fixtures.js';
import { auditRowsFor, expectForbidden, expectRefusal } from '../support/refusals.js';

const t = useTestEngine();

describe(`catalogs (${databaseLabel})`, () => {
  describe('createCatalog', () => {
    it('creates a catalog, makes its creator the owner and audits both', async () => {
      const name = `Marketing ${uniqueSuffix()}`;
      const catalog = await createCatalog(t.deps, ADMIN, { name, description: 'Campaign things' });
      expect(catalog).toMatchObject({ name, description: 'Campaign things', createdBy: ADMIN.userId });
      const roles = await listCatalogRoles(t.deps, ADMIN, { catalogId: catalog.id });
      expect(roles.map((r) => [r.userId, r.role])).toEqual([[ADMIN.userId, 'owner']]);
      const created = await auditRowsFor(t.database.db, 'catalog.created', { catalogId: catalog.id });
      expect(created).toHaveLength(1);
      expect(created[0]).toMatchObject({
        actorId: ADMIN.userId,
        data: { name, description: 'Campaign things' },
      });
      const granted = await auditRowsFor(t.database.db, 'catalog.role_granted', { catalogId: catalog.id });
      expect(granted.map((r) => r.subjectUserId)).toEqual([ADMIN.userId]);
    });

    it('accepts a name of exactly 80 characters, trimmed', async () => {
      const name = `N${uniqueSuffix()}`.padEnd(80, 'x');
      const catalog = await createCatalog(t.deps, ADMIN, { name: `  ${name}  ` });
      expect(catalog.name).toBe(name);
    });

    it('is for global admins only', async () => {
      const { owner } = await catalogWithPeople(t.deps, 'Sales');
      await expectForbidden(
        t.database.db,
        () => createCatalog(t.deps, actor(owner), { name: `Nope ${uniqueSuffix()}` }),
        /Only a Gatehouse admin can create a catalog/,
      );
    });

    it('refuses a name already taken, ignoring case', async () => {
      const name = `Finance ${uniqueSuffix()}`;
      await createCatalog(t.deps, ADMIN, { name });
      await expectRefusal(
        t.database.db,
        () => createCatalog(t.deps, ADMIN, { name: name.toUpperCase() }),
        'catalog.name_taken',
        `There is already a catalog called ${name}.`,
      );
      await expectRefusal(
        t.database.db,
        () => createCatalog(t.deps, ADMIN, { name: 'general' }),
        'catalog.name_taken',
      );
    });

    it('gives the same refusal when two admins create the same name at once', async () => {
      const name = `Race ${uniqueSuffix()}`;
      const results = await Promise.allSettled([
        createCatalog(t.deps, ADMIN, { name }),
        createCatalog(t.deps, ADMIN, { name: name.toLowerCase() }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(failed.reason).toMatchObject({ code: 'catalog.name_taken' });
    });

    it('refuses an empty name, a blank name and an 81-character name', async () => {
      for (const name of ['', '   ', 'x'.repeat(81)]) {
        await expectRefusal(
          t.database.db,
          () => createCatalog(t.deps, ADMIN, { name }),
          'input.invalid',
          /name/,
        );
      }
      await expectRefusal(t.database.db, () => createCatalog(t.deps, ADMIN, {}), 'input.invalid');
    });
  });

  describe('renameCatalog', () => {
    it('lets an owner rename, auditing the old and new names', async () => {
      const { catalog, owner } = await catalogWithPeople(t.deps, 'Sales');
      const name = `Renamed ${uniqueSuffix()}`;
      const renamed = await renameCatalog(t.deps, actor(owner), { catalogId: catalog.id, name });
      expect(renamed.name).toBe(name);
      const rows = await auditRowsFor(t.database.db, 'catalog.renamed', { catalogId: catalog.id });
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        actorId: owner,
        data: { from: { name: catalog.name }, to: { name } },
      });
    });

    it('allows changing only the case of the name', async () => {
      const { catalog } = await catalogWithPeople(t.deps, 'Sales');
      const renamed = await renameCatalog(t.deps, ADMIN, {
        catalogId: catalog.id,
        name: catalog.name.toUpperCase(),
      });
      expect(renamed.name).toBe(catalog.name.toUpperCase());
    });

    it('refuses readers, package managers and assignment managers', async () => {
      const { catalog, reader, packageManager, assignmentManager } = await catalogWithPeople(t.deps, 'Sales');
      for (const who of [reader, packageManager, assignmentManager]) {
        await expectForbidden(
          t.database.db,
          () => renameCatalog(t.deps, actor(who), { catalogId: catalog.id, name: `X ${uniqueSuffix()}` }),
          `You can't do that in ${catalog.name}`,
        );
      }
    });

    it('never renames General', async () => {
      const generalId = await generalCatalogId(t.database.db);
      await expectRefusal(
        t.database.db,
        () => renameCatalog(t.deps, ADMIN, { catalogId: generalId, name: `Main ${uniqueSuffix()}` }),
        'catalog.protected',
        /General is the built-in catalog/,
      );
    });

    it('refuses a name another catalog has, and an unknown catalog', async () => {
      const { catalog } = await catalogWithPeople(t.deps, 'Sales');
      const other = await createCatalog(t.deps, ADMIN, { name: `Other ${uniqueSuffix()}` });
      await expectRefusal(
        t.database.db,
        () => renameCatalog(t.deps, ADMIN, { catalogId: catalog.id, name: other.name.toLowerCase() }),
        'catalog.name_taken',
      );
      await expectRefusal(
        t.database.db,
        () => renameCatalog(t.deps, ADMIN, { catalogId: 999_999, name: 'Whatever' }),
        'catalog.not_found',
      );
    });
  });

  describe('listCatalogs', () => {
    it('shows admins every catalog, others only those where they hold a role', async () => {
      const first = await catalogWithPeople(t.deps, 'Sales');
      const second = await catalogWithPeople(t.deps, 'Sales');
      await grantCatalogRole(t.deps, ADMIN, {
        catalogId: second.catalog.id,
        userId: first.reader,
        role: 'reader',
      });

      const all = await listCatalogs(t.deps, ADMIN);
      expect(all.map((c) => c.name)).toEqual(
        expect.arrayContaining(['General', first.catalog.name, second.catalog.name]),
      );

      const readerSees = await listCatalogs(t.deps, actor(first.reader));
      expect(readerSees.map((c) => c.id).sort()).toEqual([first.catalog.id, second.catalog.id].sort());
      expect(readerSees.find((c) => c.id === first.catalog.id)?.myRoles).toEqual(['reader']);

      const managerSees = await listCatalogs(t.deps, actor(first.packageManager));
      expect(managerSees.map((c) => c.id)).toEqual([first.catalog.id]);

      expect(await listCatalogs(t.deps, actor(first.outsider))).toEqual([]);
    });

    it('counts live packages and resources', async () => {
      const { catalog, owner } = await catalogWithPeople(t.deps, 'Sales');
      await makePackage(t.deps, { catalogId: catalog.id });
      const gone = await makePackage(t.deps, { catalogId: catalog.id });
      await t.database.db
        .update(accessPackages)
        .set({ deletedAt: t.clock.now() })
        .where(eq(accessPackages.id, gone.packageId));
      const [summary] = (await listCatalogs(t.deps, actor(owner))).filter((c) => c.id === catalog.id);
      expect(summary).toMatchObject({ packageCount: 1, resourceCount: 2, myRoles: ['owner'] });
    });
  });

  describe('deleteCatalog', () => {
    it('deletes an empty catalog and audits it', async () => {
      const { catalog, owner } = await catalogWithPeople(t.deps, 'Sales');
      await deleteCatalog(t.deps, actor(owner), { catalogId: catalog.id });
      const left = await t.database.db.select().from(catalogs).where(eq(catalogs.id, catalog.id));
      expect(left).toEqual([]);
      const rows = await auditRowsFor(t.database.db, 'catalog.deleted', { catalogId: catalog.id });
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ actorId: owner, data: { name: catalog.name } });
      expect(await listCatalogs(t.deps, actor(owner))).toEqual([]);
    });

    it('is refused while a package is not deleted, naming it', async () => {
      const { catalog } = await catalogWithPeople(t.deps, 'Sales');
      const pkg = await makePackage(t.deps, { catalogId: catalog.id });
      await t.database.db
        .update(resources)
        .set({ removedAt: t.clock.now() })
        .where(eq(resources.id, pkg.resource.id));
      await expectRefusal(
        t.database.db,
        () => deleteCatalog(t.deps, ADMIN, { catalogId: catalog.id }),
        'catalog.not_empty',
        new RegExp(`still has access packages \\(${pkg.name}\\)`),
      );
    });

    it('is refused while a resource is not removed, naming it', async () => {
      const { catalog } = await catalogWithPeople(t.deps, 'Sales');
      const resource = await insertResource(t.database.db, { catalogId: catalog.id });
      await expectRefusal(
        t.database.db,
        () => deleteCatalog(t.deps, ADMIN, { catalogId: catalog.id }),
        'catalog.not_empty',
        new RegExp(`resources \\(${resource.name}\\)`),
      );
    });

    it('keeps the history of deleted packages and removed resources by moving them to General', async () => {
      const { catalog } = await catalogWithPeople(t.deps, 'Sales');
      const pkg = await makePackage(t.deps, { catalogId: catalog.id });
      const now = t.clock.now();
      await t.database.db
        .update(accessPackages)
        .set({ deletedAt: now })
        .where(eq(accessPackages.id, pkg.packageId));
      await t.database.db.update(resources).set({ removedAt: now }).where(eq(resources.id, pkg.resource.id));
      await deleteCatalog(t.deps, ADMIN, { catalogId: catalog.id });
      const generalId = await generalCatalogId(t.database.db);
      const [moved] = await t.database.db
        .select()
        .from(accessPackages)
        .where(eq(accessPackages.id, pkg.packageId));
      expect(moved).toMatchObject({ catalogId: generalId, deletedAt: now });
      const [resource] = await t.database.db
        .select()
        .from(resources)
        .where(eq(resources.id, pkg.resource.id));
      expect(resource?.catalogId).toBe(generalId);
    });

    it('refuses package managers, readers and outsiders', async () => {
      const { catalog, packageManager, reader, outsider } = await catalogWithPeople(t.deps, 'Sales');
      for (const who of [packageManager, reader, outsider]) {
        await expectForbidden(t.database.db, () =>
          deleteCatalog(t.deps, actor(who), { catalogId: catalog.id }),
        );
      }
    });

    it('never deletes General', async () => {
      const generalId = await generalCatalogId(t.database.db);
      await expectRefusal(
        t.database.db,
        () => deleteCatalog(t.deps, ADMIN, { catalogId: generalId }),
        'catalog.protected',
        "General is the built-in catalog and can't be deleted.",
      );
    });
  });

  describe('catalog roles', () => {
    it('grants once: granting again is a no-op with no second audit row', async () => {
      const { catalog, owner } = await catalogWithPeople(t.deps, 'Sales');
      const someone = slackId('U');
      expect(
        await grantCatalogRole(t.deps, actor(owner), {
          catalogId: catalog.id,
          userId: someone,
          role: 'reader',
        }),
      ).toEqual({ granted: true });
      expect(
        await grantCatalogRole(t.deps, actor(owner), {
          catalogId: catalog.id,
          userId: someone,
          role: 'reader',
        }),
      ).toEqual({ granted: false });
      const rows = (
        await auditRowsFor(t.database.db, 'catalog.role_granted', { catalogId: catalog.id })
      ).filter((r) => r.subjectUserId === someone);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ actorId: owner, data: { role: 'reader', userId: someone } });
    });

    it('one person may hold several roles; the list is ordered owner first', async () => {
      const { catalog, owner } = await catalogWithPeople(t.deps, 'Sales');
      await grantCatalogRole(t.deps, ADMIN, {
        catalogId: catalog.id,
        userId: owner,
        role: 'package_manager',
      });
      const roles = await listCatalogRoles(t.deps, ADMIN, { catalogId: catalog.id });
      expect(roles.map((r) => r.role)).toEqual([
        'owner',
        'owner',
        'reader',
        'package_manager',
        'package_manager',
        'assignment_manager',
      ]);
      expect(roles.find((r) => r.role === 'package_manager')?.roleName).toBe('package manager');
    });

    it('revokes a role (audited) and revoking again changes nothing', async () => {
      const { catalog, reader } = await catalogWithPeople(t.deps, 'Sales');
      expect(
        await revokeCatalogRole(t.deps, ADMIN, { catalogId: catalog.id, userId: reader, role: 'reader' }),
      ).toEqual({
        revoked: true,
      });
      const rows = await auditRowsFor(t.database.db, 'catalog.role_revoked', { catalogId: catalog.id });
      expect(rows.map((r) => r.subjectUserId)).toEqual([reader]);
      await expectForbidden(t.database.db, () =>
        listCatalogRoles(t.deps, actor(reader), { catalogId: catalog.id }),
      );
      expect(
        await revokeCatalogRole(t.deps, ADMIN, { catalogId: catalog.id, userId: reader, role: 'reader' }),
      ).toEqual({
        revoked: false,
      });
      expect(
        await auditRowsFor(t.database.db, 'catalog.role_revoked', { catalogId: catalog.id }),
      ).toHaveLength(1);
    });

    it('refuses a reader or package manager granting roles, and an unknown role', async () => {
      const { catalog, reader, packageManager } = await catalogWithPeople(t.deps, 'Sales');
      for (const who of [reader, packageManager]) {
        await expectForbidden(t.database.db, () =>
          grantCatalogRole(t.deps, actor(who), { catalogId: catalog.id, userId: who, role: 'owner' }),
        );
      }
      await expectRefusal(
        t.database.db,
        () =>
          grantCatalogRole(t.deps, ADMIN, { catalogId: catalog.id, userId: slackId('U'), role: 'emperor' }),
        'input.invalid',
      );
      await expectRefusal(
        t.database.db,
        () =>
          grantCatalogRole(t.deps, ADMIN, { catalogId: catalog.id, userId: 'not-a-user', role: 'reader' }),
        'input.invalid',
        /userId/,
      );
    });

    it('lets readers see the role holders but not outsiders', async () => {
      const { catalog, reader, outsider } = await catalogWithPeople(t.deps, 'Sales');
      const roles = await listCatalogRoles(t.deps, actor(reader), { catalogId: catalog.id });
      expect(roles.some((r) => r.userId === reader && r.role === 'reader')).toBe(true);
      await expectForbidden(
        t.database.db,
        () => listCatalogRoles(t.deps, actor(outsider), { catalogId: catalog.id }),
        /see this catalog/,
      );
    });
  });
});
