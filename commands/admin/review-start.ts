import { startReview } from '../../src/services/reviews/start-review.js';
import { doneReply, usageReply } from '../../views/admin/reply.js';
import { people, plural } from '../../views/admin/text.js';
import { formatDateTime, userText } from '../../views/mrkdwn.js';
import { parseUserMention } from '../router.js';
import type { AccessCommand } from '../types.js';
import { resolvePackage } from './resolve.js';

const USAGE = 'review start <package> [days] [@reviewer …]';

/** Trailing `@reviewer`s and a number of days, taken off the end; the rest is the package. */
export function parseReviewArgs(args: string): {
  packageText: string;
  days: number | null;
  reviewerIds: string[];
} {
  const words = args.trim().split(/\s+/).filter(Boolean);
  const reviewerIds: string[] = [];
  let days: number | null = null;
  while (words.length > 1) {
    const last = words.at(-1)!;
    const userId = last.startsWith('<@') ? parseUserMention(last) : null;
    if (userId) {
      reviewerIds.unshift(userId);
      words.pop();
    } else if (days === null && /^\d{1,3}$/.test(last)) {
      days = Number(last);
      words.pop();
    } else break;
  }
  return { packageText: words.join(' '), days, reviewerIds: [...new Set(reviewerIds)] };
}

export const reviewStartCommand: AccessCommand = {
  name: 'review start',
  usage: USAGE,
  summary: 'review who holds a package: by the people themselves, or by the reviewers named',
  audience: 'admin',
  async run(call) {
    const parsed = parseReviewArgs(call.args);
    if (!parsed.packageText) return usageReply(USAGE, 'Say which package to review.');
    const actor = { userId: call.userId };
    const pkg = await resolvePackage(call.engine, actor, parsed.packageText);
    const review = await startReview(call.engine, actor, {
      packageId: pkg.id,
      reviewerMode: parsed.reviewerIds.length ? 'specific' : 'self',
      reviewerIds: parsed.reviewerIds,
      ...(parsed.days !== null ? { durationDays: parsed.days } : {}),
    });
    const who = parsed.reviewerIds.length
      ? `by ${people(parsed.reviewerIds)}`
      : 'by each person for themselves';
    return doneReply(
      `Access review of *${userText(pkg.name, 140)}* started: ${plural(review.items, 'person', 'people')} to review ${who}, until ${formatDateTime(review.deadline)}. Reviewers get a DM.`,
      `Access review of ${pkg.name} started: ${review.items} to review.`,
    );
  },
};
