import { describe, expect, it } from 'vitest';
import { isExternalUser } from '../../src/slack/directory.js';
import { type Installation, isOwnWorkspace } from '../../src/slack/installation.js';

const standalone: Installation = { teamId: 'T0OURS', enterpriseId: null, botUserId: 'U0BOT', botId: 'B0BOT' };
const grid: Installation = { ...standalone, enterpriseId: 'E0OURORG' };

describe('who is from this installation', () => {
  it('a standalone workspace: its own team only', () => {
    expect(isOwnWorkspace(standalone, { teamId: 'T0OURS' })).toBe(true);
    expect(isOwnWorkspace(standalone, { teamId: 'T0PARTNER' })).toBe(false);
    expect(isOwnWorkspace(standalone, { teamId: undefined })).toBe(false);
    expect(isOwnWorkspace(null, { teamId: 'T0OURS' })).toBeNull();
  });

  it('Enterprise Grid: any workspace of the same org, never another org', () => {
    expect(isOwnWorkspace(grid, { teamId: 'T0SISTER', enterpriseId: 'E0OURORG' })).toBe(true);
    expect(isOwnWorkspace(grid, { teamId: 'T0THEIRS', enterpriseId: 'E0OTHERORG' })).toBe(false);
  });

  it("users.info: a stranger, another workspace's user, or another org's Grid user is external", () => {
    expect(isExternalUser({ team_id: 'T0OURS' }, standalone)).toBe(false);
    expect(isExternalUser({ team_id: 'T0OURS', is_stranger: true }, standalone)).toBe(true);
    expect(isExternalUser({ team_id: 'T0PARTNER' }, standalone)).toBe(true);
    expect(isExternalUser({}, standalone)).toBe(true);
    expect(
      isExternalUser({ team_id: 'T0SISTER', enterprise_user: { enterprise_id: 'E0OURORG' } }, grid),
    ).toBe(false);
    expect(isExternalUser({ team_id: 'T0X', enterprise_user: { enterprise_id: 'E0OTHERORG' } }, grid)).toBe(
      true,
    );
    expect(isExternalUser({ team_id: 'T0X', enterprise_id: 'E0OTHERORG' }, grid)).toBe(true);
  });
});
