import { reviewsAwaiting } from '../../src/services/reviews/review-queries.js';
import { reviewsAwaitingView } from '../../views/portal/reviews.js';
import type { AccessCommand } from '../types.js';

export const reviewsCommand: AccessCommand = {
  name: 'reviews',
  usage: 'reviews',
  summary: 'the access reviews waiting on you, with Keep / Remove for each person',
  audience: 'everyone',
  async run(call) {
    const reviews = await reviewsAwaiting(call.engine, { userId: call.userId }, { reviewerId: call.userId });
    return reviewsAwaitingView({ reviews, viewerId: call.userId });
  },
};
