import type { KnownBlock, ModalView } from '@slack/types';
import { plain, section } from '../blocks.js';
import { CALLBACK } from '../ids.js';
import { mention, userText } from '../mrkdwn.js';
import type { DecisionMetadata } from './values.js';

export const REASON_FIELD = 'reason';
export const REASON_MAX = 2000;

export interface DecisionReasonInput extends DecisionMetadata {
  request: string;
  packageName: string;
  requestor: string;
  justification: string | null;
}

/** Deny (always) or Approve (when the stage asks for it): the approver's reason, shown to the requestor. */
export function decisionReasonModal(input: DecisionReasonInput): ModalView {
  const deny = input.decision === 'deny';
  const metadata: DecisionMetadata = {
    requestId: input.requestId,
    stage: input.stage,
    decision: input.decision,
  };
  const justification = input.justification
    ? `\n>${userText(input.justification, 500).replaceAll('\n', ' ')}`
    : '';
  const blocks: KnownBlock[] = [
    section(
      `${deny ? 'Deny' : 'Approve'} *${userText(input.packageName, 150)}* for ${mention(input.requestor)} (${input.request})?${justification}`,
    ),
    {
      type: 'input',
      block_id: REASON_FIELD,
      label: plain(deny ? 'Why do you deny it?' : 'Why do you approve it?', 2000),
      hint: plain('The requestor sees your reason.', 2000),
      element: { type: 'plain_text_input', action_id: REASON_FIELD, multiline: true, max_length: REASON_MAX },
    },
  ];
  return {
    type: 'modal',
    callback_id: CALLBACK.decisionReason,
    title: plain(deny ? 'Deny request' : 'Approve request', 24),
    submit: plain(deny ? 'Deny' : 'Approve', 24),
    close: plain('Back', 24),
    private_metadata: JSON.stringify(metadata),
    blocks,
  };
}
