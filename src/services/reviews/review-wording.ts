import { GatehouseError, type PersonPart, person } from '../../domain/errors.js';
import type { Actor } from '../context.js';
import type { LoadedReview } from './review-loaders.js';

/** How the review services word what they refuse. */

export function refuseIfClosed(review: LoadedReview, now: Date): void {
  if (review.state !== 'active' || review.deadline.getTime() <= now.getTime()) throw closedError(review, now);
}

export function closedError(review: LoadedReview, now: Date): GatehouseError {
  const when =
    review.state === 'canceled'
      ? 'was canceled'
      : `closed on ${formatInstant(review.state === 'completed' && review.completedAt ? review.completedAt : review.deadline)}`;
  return new GatehouseError(
    'review.closed',
    `The review of ${review.packageName} ${when}: its decisions can no longer be changed.`,
    { reviewId: review.id, state: review.state, deadlinePassed: review.deadline.getTime() <= now.getTime() },
  );
}

/** "your" (or `you`, e.g. "Your") for the actor's own item, else the person: for `sentence` templates. */
export function whose(userId: string, actor: Actor, you = 'your'): string | PersonPart {
  return userId === actor.userId ? you : person(userId);
}

/** What follows `whose`: nothing after "your", `'s` after a person. */
export function possessive(userId: string, actor: Actor): string {
  return userId === actor.userId ? '' : "'s";
}

export function formatInstant(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
