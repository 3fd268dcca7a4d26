import type { MyAssignment } from '../../src/services/requests/request-queries.js';

export type HeldMatch =
  | { kind: 'found'; assignment: MyAssignment; rest: string }
  | { kind: 'ambiguous'; matches: MyAssignment[] }
  | { kind: 'none' };

/**
 * Which of the person's packages they named at the start of `text`: the longest name the text
 * starts with (what follows is returned as `rest`, e.g. a justification), else the one name
 * containing the text. Case is ignored.
 */
export function matchHeldPackage(held: readonly MyAssignment[], text: string): HeldMatch {
  const typed = text.trim().replace(/\s+/g, ' ');
  const lower = typed.toLowerCase();
  if (!lower) return { kind: 'none' };
  const byLength = [...held].sort((a, b) => b.packageName.length - a.packageName.length);
  for (const assignment of byLength) {
    const name = assignment.packageName.toLowerCase().replace(/\s+/g, ' ');
    if (lower === name) return { kind: 'found', assignment, rest: '' };
    if (lower.startsWith(name) && /^[\s:,;—–-]/.test(lower.slice(name.length))) {
      const rest = typed
        .slice(name.length)
        .replace(/^[\s:,;—–-]+/, '')
        .trim();
      return { kind: 'found', assignment, rest };
    }
  }
  const matches = held.filter((a) => a.packageName.toLowerCase().includes(lower));
  if (matches.length === 1) return { kind: 'found', assignment: matches[0]!, rest: '' };
  if (matches.length > 1) return { kind: 'ambiguous', matches };
  return { kind: 'none' };
}
