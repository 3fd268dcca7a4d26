import { describe, expect, it } from 'vitest';
import { matchHeldPackage } from '../../commands/portal/held-package.js';
import { assignment } from '../views/portal-fixtures.js';

const held = [
  assignment(1, { packageName: 'Marketing Campaign' }),
  assignment(2, { packageName: 'Marketing Campaign EU' }),
  assignment(3, { packageName: 'Sales' }),
];

describe('which held package `/access extend` names', () => {
  it('takes the longest name the text starts with; what follows is the justification', () => {
    expect(matchHeldPackage(held, 'marketing campaign')).toMatchObject({
      kind: 'found',
      assignment: { packageName: 'Marketing Campaign' },
      rest: '',
    });
    expect(matchHeldPackage(held, 'Marketing Campaign EU: the Q3 launch runs late')).toMatchObject({
      kind: 'found',
      assignment: { packageName: 'Marketing Campaign EU' },
      rest: 'the Q3 launch runs late',
    });
    expect(matchHeldPackage(held, 'Sales  still closing deals')).toMatchObject({
      assignment: { packageName: 'Sales' },
      rest: 'still closing deals',
    });
  });

  it('does not take a name that is only the start of a word', () => {
    expect(matchHeldPackage(held, 'Salesforce')).toEqual({ kind: 'none' });
  });

  it('falls back to the one name containing the text; several are ambiguous', () => {
    expect(matchHeldPackage(held, 'sal')).toMatchObject({
      kind: 'found',
      assignment: { packageName: 'Sales' },
    });
    const ambiguous = matchHeldPackage(held, 'campaign');
    expect(ambiguous.kind).toBe('ambiguous');
    expect(ambiguous.kind === 'ambiguous' && ambiguous.matches.map((a) => a.packageName)).toEqual([
      'Marketing Campaign',
      'Marketing Campaign EU',
    ]);
    expect(matchHeldPackage(held, '   ')).toEqual({ kind: 'none' });
  });
});
