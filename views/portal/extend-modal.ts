import type { ModalView } from '@slack/types';
import { z } from 'zod';
import { context, plain, section } from '../blocks.js';
import { CALLBACK } from '../ids.js';
import { userText } from '../mrkdwn.js';
import { clickOriginSchema } from './origin.js';

export const extendModalMetadata = z.object({
  assignmentId: z.number().int().positive(),
  origin: clickOriginSchema,
});
export type ExtendModalMetadata = z.infer<typeof extendModalMetadata>;

/** Extending needs approval and a justification: the one question, in a one-step modal. */
export function extendJustificationModal(input: {
  metadata: ExtendModalMetadata;
  packageName: string;
}): ModalView {
  const metadata = input.metadata;
  return {
    type: 'modal',
    callback_id: CALLBACK.extendJustification,
    title: plain('Extend access', 24),
    submit: plain('Ask to extend', 24),
    close: plain('Cancel', 24),
    private_metadata: JSON.stringify(metadata),
    blocks: [
      section(
        `Extending *${userText(input.packageName, 150)}* needs approval. Say why you still need it: the approvers read this.`,
      ),
      {
        type: 'input',
        block_id: 'justification',
        label: plain('Business justification', 2000),
        element: {
          type: 'plain_text_input',
          action_id: 'value',
          multiline: true,
          max_length: 2000,
          placeholder: plain('What do you still need this access for?', 150),
        },
      },
      context('You will get a message when it is decided. Your access stays as it is until then.'),
    ],
  };
}
