import { eq } from 'drizzle-orm';
import { Attribute, Change } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ldapGroupConnector } from '../../src/connectors/ldap-group.js';
import type { Database } from '../../src/db/client.js';
import { assignments, fulfilments, outbox } from '../../src/db/schema.js';
import { isGatehouseError } from '../../src/domain/errors.js';
import {
  type ResourceView,
  registerResource,
  setResourceManagedExclusively,
} from '../../src/services/catalog/resources.js';
import { userEmail } from '../../src/services/catalog/users.js';
import { type EngineDeps, SYSTEM } from '../../src/services/context.js';
import { endAssignments } from '../../src/services/lifecycle/assignment-writer.js';
import { deliverDue, deliverFulfilments } from '../../src/services/lifecycle/delivery-runner.js';
import { ldapMembershipReader } from '../../src/services/lifecycle/ldap-membership.js';
import { reconcileResources } from '../../src/services/lifecycle/reconcile.js';
import { inTransaction } from '../../src/services/tx.js';
import { createHeldAssignment } from '../support/assignments.js';
import { type MadePackage, makePackage } from '../support/catalog.js';
import { createTestDatabase, databaseLabel } from '../support/db.js';
import { ADMIN } from '../support/engine.js';
import { engineOver } from '../support/engine-deps.js';
import { generalCatalogId, insertUser } from '../support/fixtures.js';
import {
  BASE_DN,
  PLACEHOLDER_DN,
  removeByHand,
  type Slapd,
  settingsFor,
  startSlapd,
} from '../support/slapd.js';

/**
 * LDAP group resources end to end through the engine: registered in a catalog, granted and
 * revoked by the delivery runner against a real OpenLDAP (slapd), on both stores.
 */
describe(`LDAP group resources (${databaseLabel}, OpenLDAP slapd)`, () => {
  let slapd: Slapd;
  let database: Database;
  let deps: EngineDeps;
  let advance: (ms: number) => void;
  let catalogId: number;
  let groupDn: string;
  let group: ResourceView;

  beforeAll(async () => {
    slapd = await startSlapd();
    database = await createTestDatabase();
    const engine = engineOver(database, { adminUserId: ADMIN.userId });
    advance = (ms) => engine.clock.advanceSeconds(ms / 1000);
    const ldap = ldapGroupConnector(settingsFor(slapd), (userId) => userEmail(deps, userId));
    deps = {
      ...engine.deps,
      connectors: { ...engine.deps.connectors, ldap_group: ldap },
      ldapBaseDn: BASE_DN,
    };
    catalogId = await generalCatalogId(database.db);
    groupDn = await slapd.addGroup('marketing-campaign', [PLACEHOLDER_DN]);
    group = await registerResource(deps, ADMIN, {
      catalogId,
      kind: 'ldap_group',
      externalId: groupDn,
      name: 'Marketing (directory)',
    });
  }, 60_000);
  afterAll(async () => {
    await database?.close();
    await slapd?.stop();
  });

  async function person(uid: string): Promise<{ userId: string; dn: string }> {
    const mail = `${uid}@woodgrove.test`;
    const dn = await slapd.addPerson(uid, mail);
    return { userId: await insertUser(database.db, { email: mail }), dn };
  }

  const packageOn = (name: string): Promise<MadePackage> =>
    makePackage(deps, { name, resource: { id: group.id }, policy: { requestorScope: 'none' } });

  async function stateOf(assignmentId: number) {
    const [row] = await database.db.select().from(assignments).where(eq(assignments.id, assignmentId));
    return row!.state;
  }

  it('registers only with a directory configured, and only a distinguished name', async () => {
    const refused = await registerResource({ ...deps, ldapBaseDn: undefined } as EngineDeps, ADMIN, {
      catalogId,
      kind: 'ldap_group',
      externalId: 'cn=other,ou=groups,dc=woodgrove,dc=test',
      name: 'Other',
    }).catch((e: unknown) => e);
    expect(isGatehouseError(refused, 'resource.ldap_not_configured')).toBe(true);
    const malformed = await registerResource(deps, ADMIN, {
      catalogId,
      kind: 'ldap_group',
      externalId: 'Marketing group',
      name: 'Bad',
    }).catch((e: unknown) => e);
    expect(isGatehouseError(malformed, 'input.invalid')).toBe(true);
    expect(group).toMatchObject({ kind: 'ldap_group', externalId: groupDn, roles: ['member'] });
  });

  it('a grant adds the person’s entry to the group; the assignment is delivered and they are told', async () => {
    const pkg = await packageOn('Campaign (LDAP)');
    const ann = await person('ann');
    const { assignmentId, fulfilmentIds } = await createHeldAssignment(deps, pkg, ann.userId, { days: 30 });
    expect(await deliverFulfilments(deps, fulfilmentIds)).toMatchObject({ delivered: 1, failed: 0 });
    expect(await slapd.members(groupDn)).toContain(ann.dn);
    expect(await stateOf(assignmentId)).toBe('delivered');
    const dms = await database.db.select().from(outbox).where(eq(outbox.recipient, ann.userId));
    expect(dms.map((d) => d.kind)).toEqual(['access_delivered']);
  });

  it('two packages on one group: ending one keeps the membership, ending both removes it', async () => {
    const first = await packageOn('Campaign A (LDAP)');
    const second = await packageOn('Campaign B (LDAP)');
    const bob = await person('bob');
    const a1 = await createHeldAssignment(deps, first, bob.userId);
    const a2 = await createHeldAssignment(deps, second, bob.userId);
    await deliverFulfilments(deps, [...a1.fulfilmentIds, ...a2.fulfilmentIds]);
    expect(await slapd.members(groupDn)).toContain(bob.dn);

    const end1 = await inTransaction(deps, (tx, now) =>
      endAssignments(tx, now, ADMIN, [a1.assignmentId], 'removed_by_admin'),
    );
    expect((await deliverFulfilments(deps, end1.fulfilmentIds)).skipped).toBe(1);
    expect(await slapd.members(groupDn)).toContain(bob.dn);

    const end2 = await inTransaction(deps, (tx, now) =>
      endAssignments(tx, now, SYSTEM, [a2.assignmentId], 'expired'),
    );
    expect((await deliverFulfilments(deps, end2.fulfilmentIds)).delivered).toBe(1);
    expect(await slapd.members(groupDn)).not.toContain(bob.dn);
  });

  it('someone with no directory entry: the grant is given up at once with the reason, not retried', async () => {
    const pkg = await packageOn('Campaign C (LDAP)');
    const userId = await insertUser(database.db, { email: 'nobody@woodgrove.test' });
    const { assignmentId, fulfilmentIds } = await createHeldAssignment(deps, pkg, userId);
    expect(await deliverFulfilments(deps, fulfilmentIds)).toMatchObject({ abandoned: 1 });
    const [f] = await database.db.select().from(fulfilments).where(eq(fulfilments.id, fulfilmentIds[0]!));
    expect(f).toMatchObject({ state: 'abandoned', attempts: 1 });
    expect(f!.lastError).toContain('mail=nobody@woodgrove.test');
    expect(await stateOf(assignmentId)).toBe('delivery_failed');
  });

  it('the directory down during a grant: retried with backoff, then delivered once it is back', async () => {
    const pkg = await packageOn('Campaign D (LDAP)');
    const cy = await person('cy');
    const { assignmentId, fulfilmentIds } = await createHeldAssignment(deps, pkg, cy.userId);
    await slapd.pause();
    try {
      expect(await deliverFulfilments(deps, fulfilmentIds)).toMatchObject({ failed: 1 });
    } finally {
      await slapd.start();
    }
    // Nothing granted yet: failed for now (settleDelivery), and the grant waits for its retry.
    expect(await stateOf(assignmentId)).toBe('delivery_failed');
    advance(60 * 60_000);
    expect(await deliverDue(deps)).toMatchObject({ delivered: 1 });
    expect(await slapd.members(groupDn)).toContain(cy.dn);
    expect(await stateOf(assignmentId)).toBe('delivered');
  });
  describe('the sync cycle (LDAP_SYNC_EVERY_MINUTES)', () => {
    let syncGroupDn: string;
    let syncGroup: ResourceView;
    let pkg: MadePackage;
    const sync = () =>
      reconcileResources(deps, ldapMembershipReader(deps, settingsFor(slapd)), ['ldap_group']);

    beforeAll(async () => {
      syncGroupDn = await slapd.addGroup('campaign-sync', [PLACEHOLDER_DN]);
      syncGroup = await registerResource(deps, ADMIN, {
        catalogId,
        kind: 'ldap_group',
        externalId: syncGroupDn,
        name: 'Campaign sync (directory)',
      });
      pkg = await makePackage(deps, {
        name: 'Campaign sync (LDAP)',
        resource: { id: syncGroup.id },
        policy: { requestorScope: 'none' },
      });
    });

    it('puts back a member someone removed by hand', async () => {
      const dee = await person('dee');
      const held = await createHeldAssignment(deps, pkg, dee.userId);
      await deliverFulfilments(deps, held.fulfilmentIds);
      await removeByHand(slapd, syncGroupDn, dee.dn);
      expect(await slapd.members(syncGroupDn)).not.toContain(dee.dn);

      expect(await sync()).toMatchObject({ resources: expect.any(Number), regranted: 1, failed: 0 });
      expect(await deliverDue(deps)).toMatchObject({ delivered: 1 });
      expect(await slapd.members(syncGroupDn)).toContain(dee.dn);
      // In sync now: a second run changes nothing.
      expect(await sync()).toMatchObject({ regranted: 0, outsiders: 0 });
    });

    it('reports someone added by hand to the catalog’s owners; removes them once the group is managed exclusively', async () => {
      const eve = await person('eve');
      await slapd.asAdmin((client) =>
        client.modify(
          syncGroupDn,
          new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: [eve.dn] }) }),
        ),
      );
      expect(await sync()).toMatchObject({ outsiders: 1, removedOutsiders: 0 });
      const reports = await database.db.select().from(outbox).where(eq(outbox.kind, 'reconciliation_report'));
      expect(reports.map((r) => r.recipient)).toContain(ADMIN.userId);
      expect(reports.at(-1)!.data).toMatchObject({ outsiders: [eve.userId], removed: [] });
      expect(await slapd.members(syncGroupDn)).toContain(eve.dn);

      await setResourceManagedExclusively(deps, ADMIN, {
        resourceId: syncGroup.id,
        managedExclusively: true,
      });
      expect(await sync()).toMatchObject({ outsiders: 1, removedOutsiders: 1 });
      expect(await slapd.members(syncGroupDn)).not.toContain(eve.dn);
      // The placeholder (no Slack person) is nobody's outsider: it stays.
      expect(await slapd.members(syncGroupDn)).toContain(PLACEHOLDER_DN);
    });
  });
});
