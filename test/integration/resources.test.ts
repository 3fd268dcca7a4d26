import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { accessPackages, resources } from '../../src/db/schema.js';
import { networkTargets } from '../../src/domain/network-targets.js';
import {
  listResources,
  registerResource,
  removeResource,
  setResourceManagedExclusively,
} from '../../src/services/catalog/resources.js';
import { catalogWithPeople, makePackage } from '../support/catalog.js';
import { databaseLabel } from '../support/db.js';
import { ADMIN, actor, useTestEngine } from '../support/engine.js';
import { slackId, uniqueSuffix } from '../support/fixtures.js';
import { auditRowsFor, expectForbidden, expectRefusal } from '../support/refusals.js';

const t = useTestEngine();

function webhookInput(catalogId: number, overrides: Record<string, unknown> = {}) {
  return {
    catalogId,
    kind: 'webhook',
    externalId: `crm-${uniqueSuffix()}`,
    name: 'CRM',
    webhookUrl: 'https://crm.example.com/gatehouse',
    webhookSecret: 'a-very-long-shared-secret',
    roles: ['viewer', 'editor'],
    ...overrides,
  };
}

describe(`resources (${databaseLabel})`, () => {
  describe('registerResource', () => {
    it('registers a Slack user group with the member role, audited', async () => {
      const { catalog, owner } = await catalogWithPeople(t.deps, 'Research');
      const externalId = slackId('S');
      const resource = await registerResource(t.deps, actor(owner), {
        catalogId: catalog.id,
        kind: 'slack_usergroup',
        externalId,
        name: 'Marketing resources',
      });
      expect(resource).toMatchObject({
        catalogId: catalog.id,
        kind: 'slack_usergroup',
        externalId,
        name: 'Marketing resources',
        roles: ['member'],
        createdBy: owner,
        removedAt: null,
      });
      const rows = await auditRowsFor(t.database.db, 'resource.registered', { resourceId: resource.id });
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        actorId: owner,
        catalogId: catalog.id,
        data: { kind: 'slack_usergroup', externalId, name: 'Marketing resources', roles: ['member'] },
      });
    });

    it('registers public (C…) and private (G…) channels', async () => {
      const { catalog } = await catalogWithPeople(t.deps, 'Research');
      for (const prefix of ['C', 'G']) {
        const externalId = `${prefix}${slackId('S').slice(1)}`;
        const resource = await registerResource(t.deps, ADMIN, {
          catalogId: catalog.id,
          kind: 'slack_channel',
          externalId,
          name: `#proj-${uniqueSuffix()}`,
        });
        expect(resource).toMatchObject({ kind: 'slack_channel', externalId, roles: ['member'] });
      }
    });

    it('registers a webhook with its declared roles, never showing the secret', async () => {
      const { catalog } = await catalogWithPeople(t.deps, 'Research');
      const input = webhookInput(catalog.id);
      const resource = await registerResource(t.deps, ADMIN, input);
      expect(resource).toMatchObject({
        kind: 'webhook',
        roles: ['viewer', 'editor'],
        webhookUrl: 'https://crm.example.com/gatehouse',
      });
      expect(resource).not.toHaveProperty('webhookSecret');
      const [row] = await t.database.db.select().from(resources).where(eq(resources.id, resource.id));
      expect(row?.webhookSecret).toBe('a-very-long-shared-secret');
      const [audited] = await auditRowsFor(t.database.db, 'resource.registered', { resourceId: resource.id });
      expect(JSON.stringify(audited?.data)).not.toContain('a-very-long-shared-secret');
    });

    it('refuses webhooks into the internal network unless an admin allows that network', async () => {
      const { catalog } = await catalogWithPeople(t.deps, 'Research');
      for (const webhookUrl of [
        'http://127.0.0.1:8787/hook',
        'http://localhost:3000/hook',
        'https://169.254.169.254/latest/meta-data',
        'https://10.1.2.3/hook',
        'https://[::1]/hook',
        'https://[fd12::8]/hook',
      ]) {
        await expectRefusal(
          t.database.db,
          () => registerResource(t.deps, ADMIN, webhookInput(catalog.id, { webhookUrl })),
          'resource.internal_target',
          /points into the internal network .*WEBHOOK_ALLOWED_NETWORKS/,
        );
      }
      const allowing = { ...t.deps, webhookTargets: networkTargets(['127.0.0.0/8', '::1/128']) };
      for (const webhookUrl of ['http://127.0.0.1:8787/hook', 'http://localhost:3000/hook']) {
        const resource = await registerResource(allowing, ADMIN, webhookInput(catalog.id, { webhookUrl }));
        expect(resource.webhookUrl).toBe(webhookUrl);
      }
      // Someone who may not register resources learns nothing about where an address resolves.
      const { reader } = await catalogWithPeople(t.deps, 'Research');
      await expectRefusal(
        t.database.db,
        () =>
          registerResource(
            t.deps,
            actor(reader),
            webhookInput(catalog.id, { webhookUrl: 'https://10.1.2.3/hook' }),
          ),
        'auth.forbidden',
      );
    });

    it('allows plain http only on loopback', async () => {
      const { catalog } = await catalogWithPeople(t.deps, 'Research');
      for (const webhookUrl of ['http://crm.example.com/hook', 'ftp://crm.example.com/hook', 'not a url']) {
        await expectRefusal(
          t.database.db,
          () => registerResource(t.deps, ADMIN, webhookInput(catalog.id, { webhookUrl })),
          'input.invalid',
          /webhookUrl/,
        );
      }
    });

    it('refuses a short secret, no roles, a bad slug and wrong Slack ids', async () => {
      const { catalog } = await catalogWithPeople(t.deps, 'Research');
      const bad: [Record<string, unknown>, RegExp][] = [
        [webhookInput(catalog.id, { webhookSecret: 'short' }), /at least 16 characters/],
        [webhookInput(catalog.id, { roles: [] }), /at least one role/],
        [webhookInput(catalog.id, { roles: ['viewer', 'viewer'] }), /each role name once/],
        [webhookInput(catalog.id, { externalId: 'Not A Slug' }), /slug/],
        [
          { catalogId: catalog.id, kind: 'slack_usergroup', externalId: 'C0123ABCD', name: 'x' },
          /user group id/,
        ],
        [{ catalogId: catalog.id, kind: 'slack_channel', externalId: 'S0123ABCD', name: 'x' }, /channel id/],
        [{ catalogId: catalog.id, kind: 'slack_channel', externalId: slackId('C'), name: '' }, /name/],
        [{ catalogId: catalog.id, kind: 'printer', externalId: 'P1', name: 'x' }, /./],
      ];
      for (const [input, message] of bad) {
        await expectRefusal(
          t.database.db,
          () => registerResource(t.deps, ADMIN, input),
          'input.invalid',
          message,
        );
      }
    });

    it('refuses a group already registered, naming the catalog it is in', async () => {
      const first = await catalogWithPeople(t.deps, 'Research');
      const second = await catalogWithPeople(t.deps, 'Research');
      const externalId = slackId('S');
      await registerResource(t.deps, ADMIN, {
        catalogId: first.catalog.id,
        kind: 'slack_usergroup',
        externalId,
        name: 'design-leads',
      });
      for (const catalogId of [first.catalog.id, second.catalog.id]) {
        await expectRefusal(
          t.database.db,
          () =>
            registerResource(t.deps, ADMIN, {
              catalogId,
              kind: 'slack_usergroup',
              externalId,
              name: 'again',
            }),
          'resource.already_registered',
          `The user group design-leads is already registered in the ${first.catalog.name} catalog.`,
        );
      }
    });

    it('lets a removed resource be registered again', async () => {
      const { catalog } = await catalogWithPeople(t.deps, 'Research');
      const spec = { catalogId: catalog.id, kind: 'slack_channel', externalId: slackId('C'), name: '#ops' };
      const first = await registerResource(t.deps, ADMIN, spec);
      await removeResource(t.deps, ADMIN, { resourceId: first.id });
      const second = await registerResource(t.deps, ADMIN, spec);
      expect(second.id).not.toBe(first.id);
    });

    it('is for catalog owners and admins: readers, package managers and outsiders are refused', async () => {
      const { catalog, reader, packageManager, outsider } = await catalogWithPeople(t.deps, 'Research');
      for (const who of [reader, packageManager, outsider]) {
        await expectRefusal(
          t.database.db,
          () =>
            registerResource(t.deps, actor(who), {
              catalogId: catalog.id,
              kind: 'slack_usergroup',
              externalId: slackId('S'),
              name: 'nope',
            }),
          'auth.forbidden',
          /^Only owners of the .* catalog and Gatehouse admins can bring a new resource into it/,
        );
      }
    });
  });

  describe('listResources', () => {
    it('shows readers the live resources by name, without secrets; outsiders are refused', async () => {
      const { catalog, reader, outsider } = await catalogWithPeople(t.deps, 'Research');
      const b = await registerResource(t.deps, ADMIN, {
        catalogId: catalog.id,
        kind: 'slack_usergroup',
        externalId: slackId('S'),
        name: 'b-group',
      });
      await registerResource(t.deps, ADMIN, webhookInput(catalog.id, { name: 'a-hook' }));
      const gone = await registerResource(t.deps, ADMIN, {
        catalogId: catalog.id,
        kind: 'slack_channel',
        externalId: slackId('C'),
        name: 'c-channel',
      });
      await removeResource(t.deps, ADMIN, { resourceId: gone.id });
      const list = await listResources(t.deps, actor(reader), { catalogId: catalog.id });
      expect(list.map((r) => r.name)).toEqual(['a-hook', 'b-group']);
      expect(list[1]?.id).toBe(b.id);
      for (const r of list) expect(r).not.toHaveProperty('webhookSecret');
      await expectForbidden(t.database.db, () =>
        listResources(t.deps, actor(outsider), { catalogId: catalog.id }),
      );
    });
  });

  describe('removeResource', () => {
    it('sets removed_at and audits the removal', async () => {
      const { catalog, owner } = await catalogWithPeople(t.deps, 'Research');
      const resource = await registerResource(t.deps, ADMIN, {
        catalogId: catalog.id,
        kind: 'slack_usergroup',
        externalId: slackId('S'),
        name: 'old-group',
      });
      t.clock.advanceSeconds(60);
      const removed = await removeResource(t.deps, actor(owner), { resourceId: resource.id });
      expect(removed.removedAt).toEqual(t.clock.now());
      const rows = await auditRowsFor(t.database.db, 'resource.removed', { resourceId: resource.id });
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ actorId: owner, catalogId: catalog.id });
      await expectRefusal(
        t.database.db,
        () => removeResource(t.deps, ADMIN, { resourceId: resource.id }),
        'resource.not_found',
      );
    });

    it('is refused while packages use it, naming them', async () => {
      const { catalog } = await catalogWithPeople(t.deps, 'Research');
      const first = await makePackage(t.deps, {
        catalogId: catalog.id,
        name: `Alpha ${uniqueSuffix()}`,
      });
      const second = await makePackage(t.deps, {
        catalogId: catalog.id,
        name: `Beta ${uniqueSuffix()}`,
        resource: first.resource,
      });
      await expectRefusal(
        t.database.db,
        () => removeResource(t.deps, ADMIN, { resourceId: first.resource.id }),
        'resource.in_use',
        `${first.resource.name} is still used by ${first.name}, ${second.name}. Remove it from those packages first.`,
      );
    });

    it('ignores deleted packages', async () => {
      const { catalog } = await catalogWithPeople(t.deps, 'Research');
      const pkg = await makePackage(t.deps, { catalogId: catalog.id });
      await t.database.db
        .update(accessPackages)
        .set({ deletedAt: t.clock.now() })
        .where(eq(accessPackages.id, pkg.packageId));
      const removed = await removeResource(t.deps, ADMIN, { resourceId: pkg.resource.id });
      expect(removed.removedAt).not.toBeNull();
    });

    it('refuses a package manager', async () => {
      const { catalog, packageManager } = await catalogWithPeople(t.deps, 'Research');
      const resource = await registerResource(t.deps, ADMIN, webhookInput(catalog.id));
      await expectForbidden(t.database.db, () =>
        removeResource(t.deps, actor(packageManager), { resourceId: resource.id }),
      );
    });
  });

  describe('setResourceManagedExclusively', () => {
    it('turns exclusive management on and off, auditing each change and nothing for a no-op', async () => {
      const { catalog, owner, reader } = await catalogWithPeople(t.deps, 'Research');
      const resource = await registerResource(t.deps, ADMIN, {
        catalogId: catalog.id,
        kind: 'slack_usergroup',
        externalId: slackId('S'),
        name: 'exclusive',
      });
      expect(resource.managedExclusively).toBe(false);
      const on = await setResourceManagedExclusively(t.deps, actor(owner), {
        resourceId: resource.id,
        managedExclusively: true,
      });
      expect(on.managedExclusively).toBe(true);
      await setResourceManagedExclusively(t.deps, actor(owner), {
        resourceId: resource.id,
        managedExclusively: true,
      });
      const rows = await auditRowsFor(t.database.db, 'resource.edited', { resourceId: resource.id });
      expect(rows).toHaveLength(1);
      expect(rows[0]?.data).toEqual({
        from: { managedExclusively: false },
        to: { managedExclusively: true },
      });
      await expectRefusal(
        t.database.db,
        () =>
          setResourceManagedExclusively(t.deps, actor(reader), {
            resourceId: resource.id,
            managedExclusively: false,
          }),
        'auth.forbidden',
      );
    });
  });
});
