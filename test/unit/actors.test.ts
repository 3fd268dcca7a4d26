import { describe, expect, it } from 'vitest';
import { isGlobalAdmin } from '../../src/services/authz.js';
import { isSystemActor, SYSTEM } from '../../src/services/context.js';

const deps = { adminUserIds: ['U0ADMIN1'] };

describe("Gatehouse's own actor", () => {
  it('is the SYSTEM object only: a user id that reads "system" is nobody special', () => {
    expect(isGlobalAdmin(deps, SYSTEM)).toBe(true);
    expect(isSystemActor(SYSTEM)).toBe(true);
    for (const forged of [{ userId: 'system' }, JSON.parse(JSON.stringify(SYSTEM)), { ...SYSTEM }]) {
      expect(isSystemActor(forged)).toBe(false);
      expect(isGlobalAdmin(deps, forged)).toBe(false);
    }
    expect(isGlobalAdmin(deps, { userId: 'U0ADMIN1' })).toBe(true);
    expect(isGlobalAdmin(deps, { userId: 'U0SOMEONE' })).toBe(false);
  });

  it('cannot be changed or copied into admin rights', () => {
    expect(Object.isFrozen(SYSTEM)).toBe(true);
    expect(Object.keys(SYSTEM)).toEqual(['userId']);
  });
});
