import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WOODGROVE } from '../../src/sandbox/seeds.js';
import { getPackageDetails } from '../../src/services/catalog/catalog-queries.js';
import { createCatalog, grantCatalogRole } from '../../src/services/catalog/catalogs.js';
import { createPackage } from '../../src/services/catalog/packages.js';
import { registerResource } from '../../src/services/catalog/resources.js';
import { makePackage } from '../support/catalog.js';
import { databaseLabel } from '../support/db.js';
import { snapshotCounts } from '../support/fixtures.js';
import { auditRowsFor } from '../support/refusals.js';
import { type Sandbox, startSandbox } from '../support/sandbox.js';
import { optionValue, submitStep, wizardOf } from './admin-support.js';

const ADMIN = { userId: WOODGROVE.admin };
/** A catalog's package manager, trying to reach a group no catalog holds. */
const MANAGER = WOODGROVE.approver;

describe(`bringing resources into a catalog is for its owners (${databaseLabel})`, () => {
  let s: Sandbox;
  let catalogId: number;
  let securityGroup: string;
  beforeAll(async () => {
    s = await startSandbox();
    securityGroup = s.fake.workspace.addUserGroup({ handle: 'security-admins', name: 'Security admins' }).id;
    const catalog = await createCatalog(s.gatehouse.deps, ADMIN, { name: 'Campaigns' });
    catalogId = catalog.id;
    await grantCatalogRole(s.gatehouse.deps, ADMIN, { catalogId, userId: MANAGER, role: 'package_manager' });
    const held = await registerResource(s.gatehouse.deps, ADMIN, {
      catalogId,
      kind: 'slack_usergroup',
      externalId: WOODGROVE.marketingGroup,
      name: 'Marketing resources',
    });
    await makePackage(s.gatehouse.deps, { catalogId, name: 'Campaign tools', resource: held });
  });
  afterAll(() => s.close());

  it('the wizard refuses a user group the catalog does not hold, as a field error; nothing changes', async () => {
    const before = await snapshotCounts(s.gatehouse.deps.database.db);
    await s.command(MANAGER, 'package new');
    const { view } = wizardOf(s, MANAGER);
    await submitStep(s, MANAGER, { name: 'Sneaky', catalog: optionValue(view, 'catalog', 'Campaigns') });
    expect(wizardOf(s, MANAGER).step).toBe('resources');
    const picked = await submitStep(s, MANAGER, { resources: [securityGroup], role: 'member' });
    expect(picked.ack).toEqual({
      response_action: 'errors',
      errors: {
        resources:
          'Only owners of Campaigns and Gatehouse admins can bring a new user group into it: pick one it holds already, or ask them to add it.',
      },
    });
    // A group the catalog holds is fine.
    const fine = await submitStep(s, MANAGER, { resources: [WOODGROVE.marketingGroup], role: 'member' });
    expect(fine.ack).toMatchObject({ response_action: 'update' });
    expect(await snapshotCounts(s.gatehouse.deps.database.db)).toEqual(before);
  });

  it('`resource add` and a package built around the wizard are refused and audited; assign cannot reach the group', async () => {
    const added = await s.command(
      MANAGER,
      `resource add usergroup <!subteam^${securityGroup}|@security-admins> to Campaigns`,
    );
    expect(added.replies.map((r) => r.text).join('\n')).toMatch(/Only owners of the Campaigns catalog/);

    await expect(
      createPackage(
        s.gatehouse.deps,
        { userId: MANAGER },
        {
          catalogId,
          name: 'Sneaky',
          resourceRoles: [
            {
              resource: { kind: 'slack_usergroup', externalId: securityGroup, name: 'Security admins' },
              role: 'member',
            },
          ],
        },
      ),
    ).rejects.toMatchObject({ code: 'auth.forbidden' });
    const refused = await auditRowsFor(s.gatehouse.deps.database.db, 'auth.refused', { catalogId });
    expect(refused.length).toBeGreaterThanOrEqual(2);
    expect(refused.every((row) => row.actorId === MANAGER)).toBe(true);

    await s.command(MANAGER, `assign <@${MANAGER}> Campaign tools`);
    expect(s.fake.workspace.userGroups.get(securityGroup)?.users ?? []).not.toContain(MANAGER);
    const details = await getPackageDetails(s.gatehouse.deps, ADMIN, { package: 'Campaign tools' });
    expect(details.resourceRoles.map((r) => r.externalId)).toEqual([WOODGROVE.marketingGroup]);
  });
});
