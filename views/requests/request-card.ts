import type { KnownBlock } from '@slack/types';
import { isOpenRequest, type RequestState } from '../../src/domain/states.js';
import { actions, button, context, fields, section } from '../blocks.js';
import { ACTION } from '../ids.js';
import { escapeMrkdwn, formatDate, formatDateTime, mention, truncate, userText } from '../mrkdwn.js';
import { decisionValue } from './values.js';

type When = Date | string;

/** A request as its card shows it: the engine's getRequest plus the requestor's current access. */
export interface RequestCardState {
  requestId: number;
  request: string;
  type: string;
  packageName: string;
  /** Whom the access is for. */
  userId: string;
  requestedBy: string;
  state: RequestState;
  /** "Pending approval", "Delivered", "Expired"… */
  outcome: string;
  /** The current approval stage while pending, else 0. */
  stage: number;
  stages: number;
  policyName: string | null;
  justification: string | null;
  answers: readonly { question: string; answer: string }[];
  startAt: When | null;
  endAt: When | null;
  createdAt: When;
  closedAt: When | null;
  outcomeNote: string | null;
  approvers: readonly { stage: number; userId: string; reason: string; isFallback: boolean }[];
  decisions: readonly {
    stage: number;
    approverId: string;
    decision: 'approve' | 'deny';
    reason: string | null;
    decidedAt: When;
  }[];
  /** What the requestor already holds, so approvers decide knowing it. */
  currentAccess: readonly { packageName: string; endsAt: When | null }[];
}

export interface RenderedCard {
  text: string;
  blocks: KnownBlock[];
}

const JUSTIFICATION_SHOWN = 1500;
const ANSWER_SHOWN = 300;
const ACCESS_SHOWN = 10;

/** The block_id of a card's buttons; it changes with the stage, so an update never reuses it. */
export function cardActionsBlockId(requestId: number, stage: number): string {
  return `request_card_${requestId}_${stage}`;
}

/** Whether `viewer` may decide the request now: an approver of the open stage nobody decided. */
export function canDecide(card: RequestCardState, viewer: string): boolean {
  return (
    card.state === 'pending_approval' &&
    card.approvers.some((a) => a.stage === card.stage && a.userId === viewer) &&
    !card.decisions.some((d) => d.stage === card.stage)
  );
}

export function isRequestorOf(card: RequestCardState, viewer: string): boolean {
  return card.userId === viewer || card.requestedBy === viewer;
}

/**
 * ONE card per request, rendered for each person who has a copy: the requestor's DM and each
 * approver's. Everyone sees the same facts (package, requestor, justification, answers, current
 * access, stage, state and who did what when); an approver of the open stage gets Approve/Deny,
 * the requestor of an open request gets Cancel. User text is escaped.
 */
export function requestCard(card: RequestCardState, viewer: string): RenderedCard {
  const pkg = `*${userText(card.packageName, 150)}*`;
  const forSelf = isRequestorOf(card, viewer);
  const lead = forSelf
    ? `${card.type === 'user_extend' ? 'Your extension request' : 'Your request'} for ${pkg} · ${card.request}`
    : `${mention(card.userId)} asks for ${card.type === 'user_extend' ? 'an extension of ' : ''}${pkg} · ${card.request}`;
  const blocks: KnownBlock[] = [section(`${stateEmoji(card.state)} ${lead}`)];

  const pairs: [string, string][] = [
    ['Requestor', mention(card.userId)],
    ['State', stateWords(card)],
  ];
  if (card.requestedBy !== card.userId) pairs.push(['Asked by', mention(card.requestedBy)]);
  if (card.policyName) pairs.push(['Policy', userText(card.policyName, 100)]);
  if (card.startAt) pairs.push(['Starts', formatDate(card.startAt)]);
  if (card.endAt) pairs.push(['Ends', formatDate(card.endAt)]);
  blocks.push(fields(pairs));

  const why = whyYou(card, viewer);
  if (why) blocks.push(section(why));
  blocks.push(
    section(
      `*Justification*\n${card.justification ? quote(userText(card.justification, JUSTIFICATION_SHOWN)) : '_none given_'}`,
    ),
  );
  if (card.answers.length > 0) {
    const lines = card.answers.map(
      (a) => `*${userText(a.question, 150)}*\n${quote(userText(a.answer, ANSWER_SHOWN))}`,
    );
    blocks.push(section(truncate(lines.join('\n'), 2900)));
  }
  blocks.push(section(currentAccessLine(card)));
  blocks.push(context(truncate(historyLines(card).join('\n'), 2900)));

  const buttons = [];
  if (canDecide(card, viewer)) {
    const value = decisionValue(card.requestId, card.stage);
    buttons.push(
      button('Approve', ACTION.approveRequest, value, 'primary'),
      button('Deny', ACTION.denyRequest, value, 'danger'),
    );
  } else if (forSelf && isOpenRequest(card.state)) {
    buttons.push(button('Cancel request', ACTION.cancelRequest, String(card.requestId)));
  }
  if (buttons.length > 0) blocks.push(actions(cardActionsBlockId(card.requestId, card.stage), buttons));

  const who = forSelf ? 'Your request' : `${mention(card.userId)}'s request`;
  const text = `${who} for ${escapeMrkdwn(truncate(card.packageName, 150))} (${card.request}): ${stateWords(card)}`;
  return { text, blocks };
}

function stateWords(card: RequestCardState): string {
  if (card.state === 'pending_approval' && card.stages > 1) {
    return `Pending approval (stage ${card.stage} of ${card.stages})`;
  }
  return card.outcome;
}

function stateEmoji(state: RequestState): string {
  switch (state) {
    case 'delivered':
      return ':key:';
    case 'denied':
      return ':no_entry:';
    case 'canceled':
      return ':wastebasket:';
    case 'timed_out':
      return ':hourglass:';
    case 'delivery_failed':
    case 'partially_delivered':
      return ':warning:';
    case 'approved':
    case 'scheduled':
    case 'delivering':
      return ':white_check_mark:';
    default:
      return ':raising_hand:';
  }
}

/** Why this approver is asked ("named approver", "member of …"), on their copy only. */
function whyYou(card: RequestCardState, viewer: string): string | null {
  const mine = card.approvers.filter((a) => a.userId === viewer);
  const entry = mine.find((a) => a.stage === card.stage) ?? mine.at(-1);
  if (!entry) return null;
  const stage = card.stages > 1 ? ` for stage ${entry.stage}` : '';
  const fallback = entry.isFallback ? ' (the request was escalated to you)' : '';
  return `*Why you:* you approve${stage} as ${userText(entry.reason, 200)}${fallback}.`;
}

function currentAccessLine(card: RequestCardState): string {
  const owner = `${mention(card.userId)}'s current access`;
  if (card.currentAccess.length === 0) return `*${owner}:* nothing through Gatehouse yet.`;
  const shown = card.currentAccess.slice(0, ACCESS_SHOWN).map((a) => {
    const until = a.endsAt ? ` (until ${formatDate(a.endsAt)})` : '';
    return `${userText(a.packageName, 100)}${until}`;
  });
  const more =
    card.currentAccess.length > shown.length ? `, and ${card.currentAccess.length - shown.length} more` : '';
  return `*${owner}:* ${shown.join(', ')}${more}`;
}

/** Who did what when, oldest first. */
export function historyLines(card: RequestCardState): string[] {
  const lines: string[] = [];
  const asker =
    card.requestedBy === card.userId
      ? mention(card.userId)
      : `${mention(card.requestedBy)} for ${mention(card.userId)}`;
  lines.push(`Submitted by ${asker} at ${formatDateTime(card.createdAt)}`);
  for (const d of card.decisions) {
    const verb = d.decision === 'approve' ? 'Approved' : 'Denied';
    const stage = card.stages > 1 ? `Stage ${d.stage} ${verb.toLowerCase()}` : verb;
    const reason = d.reason ? `: “${userText(d.reason, 300)}”` : '';
    lines.push(`${stage} by ${mention(d.approverId)} at ${formatDateTime(d.decidedAt)}${reason}`);
  }
  const closed = card.closedAt ? ` at ${formatDateTime(card.closedAt)}` : '';
  const note = card.outcomeNote ? `: ${userText(card.outcomeNote, 300)}` : '';
  switch (card.state) {
    case 'pending_approval': {
      const waiting = card.approvers
        .filter((a) => a.stage === card.stage)
        .slice(0, 10)
        .map((a) => `${mention(a.userId)} (${userText(a.reason, 80)})`);
      lines.push(
        `Waiting on ${card.stages > 1 ? `stage ${card.stage} of ${card.stages}` : 'approval'}: ${waiting.join(', ') || 'nobody can decide it yet'}`,
      );
      break;
    }
    case 'approved':
    case 'delivering':
      if (card.stages === 0) lines.push('Approved: this package needs no approval');
      lines.push('Setting up access…');
      break;
    case 'scheduled':
      lines.push(`Access starts ${card.startAt ? formatDateTime(card.startAt) : 'at the chosen start'}`);
      break;
    case 'delivered':
      if (card.stages === 0 && card.decisions.length === 0)
        lines.push('Approved: this package needs no approval');
      lines.push(`Access delivered${closed}`);
      break;
    case 'partially_delivered':
    case 'delivery_failed':
      lines.push(`Access could not be fully set up yet${note}; Gatehouse keeps trying and an admin is told`);
      break;
    case 'canceled':
      lines.push(`Canceled${closed}${note}`);
      break;
    case 'timed_out':
      lines.push(`Timed out${closed}: nobody decided in time`);
      break;
    case 'denied':
    case 'submitted':
      break;
  }
  return lines;
}

function quote(text: string): string {
  return text
    .split('\n')
    .map((line) => `>${line}`)
    .join('\n');
}
