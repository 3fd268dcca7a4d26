import type { ModalView } from '@slack/types';
import { z } from 'zod';
import { REVIEW_REASON_MAX_LENGTH } from '../../src/domain/review.js';
import { context, plain, section } from '../blocks.js';
import { CALLBACK } from '../ids.js';
import { formatDateTime, userText } from '../mrkdwn.js';
import { clickOriginSchema } from './origin.js';

export const reviewReasonMetadata = z.object({
  reviewId: z.number().int().positive(),
  assignmentId: z.number().int().positive(),
  origin: clickOriginSchema,
});
export type ReviewReasonMetadata = z.infer<typeof reviewReasonMetadata>;

/** Removing someone's access in a review needs a reason: they are told it. */
export function reviewReasonModal(input: {
  metadata: ReviewReasonMetadata;
  /** Whose access, as the reviewer reads it ("Your access", "<@U1> (Ann)"). */
  subject: string;
  packageName: string;
  deadline: Date;
}): ModalView {
  return {
    type: 'modal',
    callback_id: CALLBACK.reviewReason,
    title: plain('Remove access', 24),
    submit: plain('Remove', 24),
    close: plain('Cancel', 24),
    private_metadata: JSON.stringify(input.metadata),
    blocks: [
      section(
        `Remove ${input.subject === 'Your access' ? 'your access' : `${input.subject}'s access`} to *${userText(input.packageName, 150)}*?`,
      ),
      {
        type: 'input',
        block_id: 'reason',
        label: plain('Reason', 2000),
        element: {
          type: 'plain_text_input',
          action_id: 'value',
          multiline: true,
          max_length: REVIEW_REASON_MAX_LENGTH,
          placeholder: plain('Why is this access no longer needed?', 150),
        },
      },
      context(
        `The reason is shown to the person and kept in the audit trail. The access ends when the review is applied (deadline ${formatDateTime(input.deadline)}); until then you can change your mind.`,
      ),
    ],
  };
}
