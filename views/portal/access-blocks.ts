import type { Button, KnownBlock, SectionBlock } from '@slack/types';
import type { MyAssignment, RequestSummary } from '../../src/services/requests/request-queries.js';
import { actions, button, section } from '../blocks.js';
import { ACTION } from '../ids.js';
import { formatDate, truncate, userText } from '../mrkdwn.js';

/**
 * The pieces `/access my` and the Home tab share: one held access package with its Extend and
 * "I'm done" buttons, one open request with its Cancel button. Button values carry ids only.
 */

const STATE_WORDS: Partial<Record<MyAssignment['state'], string>> = {
  delivering: 'being set up',
  delivered: '',
  delivery_failed: 'setup is failing; Gatehouse keeps trying',
};

const EXTEND_HINTS: Record<NonNullable<MyAssignment['extendRefusal']>, string> = {
  not_allowed: '',
  never_expires: '',
  max_reached: 'no more extensions allowed',
  too_early: 'can be extended nearer its end',
};

export function assignmentLine(a: MyAssignment): string {
  const until = a.endsAt ? `until ${formatDate(a.endsAt)}` : 'no end date';
  const notes = [STATE_WORDS[a.state] ?? '', a.extendRefusal ? EXTEND_HINTS[a.extendRefusal] : ''].filter(
    Boolean,
  );
  return `*${userText(a.packageName, 150)}* — ${until}${notes.length ? ` · _${notes.join(' · ')}_` : ''}`;
}

export function assignmentBlocks(a: MyAssignment): KnownBlock[] {
  const buttons: Button[] = [];
  if (a.canExtend) buttons.push(button('Extend', ACTION.extendAssignment, String(a.assignmentId), 'primary'));
  buttons.push(doneButton(a));
  return [section(assignmentLine(a)), actions(`assignment_${a.assignmentId}`, buttons)];
}

function doneButton(a: MyAssignment): Button {
  return {
    ...button("I'm done", ACTION.doneWithAssignment, String(a.assignmentId)),
    confirm: {
      title: { type: 'plain_text', text: 'Give up this access?' },
      text: {
        type: 'plain_text',
        text: truncate(
          `Your access to ${a.packageName} ends now and you leave its groups and channels. To get it back you will have to request it again.`,
          300,
        ),
      },
      confirm: { type: 'plain_text', text: "Yes, I'm done" },
      deny: { type: 'plain_text', text: 'Keep it' },
      style: 'danger',
    },
  };
}

const OPEN_STATE_WORDS: Partial<Record<RequestSummary['state'], string>> = {
  submitted: 'submitted',
  pending_approval: 'waiting for approval',
  approved: 'approved, being set up',
  scheduled: 'approved, starts later',
};

export function openRequestBlock(r: RequestSummary): SectionBlock {
  const what = r.type === 'user_extend' ? 'extension of ' : '';
  const state = OPEN_STATE_WORDS[r.state] ?? r.outcome.toLowerCase();
  const stage = r.state === 'pending_approval' && r.stage > 0 ? ` (stage ${r.stage})` : '';
  const start = r.state === 'scheduled' && r.startAt ? ` · starts ${formatDate(r.startAt)}` : '';
  return {
    ...section(
      `${r.request} · ${what}*${userText(r.packageName, 150)}* — ${state}${stage}${start} · asked ${formatDate(r.createdAt)}`,
      button('Cancel', ACTION.cancelRequest, String(r.requestId)),
    ),
    block_id: `open_request_${r.requestId}`,
  };
}
