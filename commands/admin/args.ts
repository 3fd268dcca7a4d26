import { z } from 'zod';
import { parseUserMention } from '../router.js';

/** `<@U123|alice> rest…` → the user id and the rest; null when the text doesn't start with a person. */
export function leadingMention(args: string): { userId: string; rest: string } | null {
  const match = /^(<@[UW][A-Z0-9]+(?:\|[^>]*)?>|[UW][A-Z0-9]{2,})(?:\s+([\s\S]*))?$/.exec(args.trim());
  if (!match) return null;
  const userId = parseUserMention(match[1]!);
  return userId ? { userId, rest: (match[2] ?? '').trim() } : null;
}

/** `@person package` as typed after `assign` / `remove`. */
export const personAndPackageSchema = z.object({
  userId: z.string().regex(/^[UW][A-Z0-9]{2,}$/),
  packageText: z.string().trim().min(1).max(200),
});

/** `--force` anywhere in the arguments, and the text without it. */
export function takeFlag(args: string, flag: string): { present: boolean; rest: string } {
  const pattern = new RegExp(`(^|\\s)${flag}(?=\\s|$)`, 'i');
  return { present: pattern.test(args), rest: args.replace(pattern, ' ').replace(/\s+/g, ' ').trim() };
}
