import type { ViewOutput, ViewStateSelectedOption, ViewStateValue } from '@slack/bolt';

export type ViewStateValues = Record<string, Record<string, ViewStateValue>>;

/** What a person typed or picked: text, a date, a number, an option value, or several values. */
export type ViewAnswer = string | number | null | readonly string[];

/** Answers by input block_id (the field's stable name). */
export type ViewAnswers = Record<string, ViewAnswer>;

export type Json = Record<string, unknown>;

/**
 * Builds `view.state.values` the way Slack fills it on submission: every input block appears,
 * unanswered ones with their empty value, each answer shaped for its element type.
 * A block_id or option value that is not in the view is a mistake in the test, so it throws.
 */
export function stateValuesFor(
  view: Pick<ViewOutput, 'blocks' | 'callback_id'>,
  answers: ViewAnswers,
): ViewStateValues {
  const values: ViewStateValues = {};
  const inputBlocks = new Map<string, Json>();
  for (const block of view.blocks as unknown as Json[]) {
    if (block.type === 'input' && typeof block.block_id === 'string') inputBlocks.set(block.block_id, block);
  }
  for (const blockId of Object.keys(answers)) {
    if (!inputBlocks.has(blockId)) {
      throw new Error(`View "${view.callback_id}" has no input block "${blockId}".`);
    }
  }
  for (const [blockId, block] of inputBlocks) {
    const element = (block.element ?? {}) as Json;
    const actionId = typeof element.action_id === 'string' ? element.action_id : blockId;
    values[blockId] = { [actionId]: stateValue(element, answers[blockId], blockId) };
  }
  return values;
}

export function stateValue(element: Json, answer: ViewAnswer | undefined, blockId: string): ViewStateValue {
  const type = String(element.type);
  const list =
    answer === undefined || answer === null ? [] : Array.isArray(answer) ? answer : [String(answer)];
  const one = list[0] ?? null;
  switch (type) {
    case 'static_select':
    case 'external_select':
    case 'radio_buttons':
      return { type, selected_option: one === null ? null : findOption(element, one, blockId, type) };
    case 'multi_static_select':
    case 'multi_external_select':
    case 'checkboxes':
      return { type, selected_options: list.map((value) => findOption(element, value, blockId, type)) };
    case 'users_select':
      return { type, selected_user: one };
    case 'multi_users_select':
      return { type, selected_users: [...list] };
    case 'conversations_select':
      return { type, selected_conversation: one };
    case 'multi_conversations_select':
      return { type, selected_conversations: [...list] };
    case 'channels_select':
      return { type, selected_channel: one };
    case 'multi_channels_select':
      return { type, selected_channels: [...list] };
    case 'datepicker':
      return { type, selected_date: one };
    case 'timepicker':
      return { type, selected_time: one };
    case 'datetimepicker':
      return { type, selected_date_time: one === null ? null : Number(one) };
    default:
      return { type, value: one };
  }
}

function findOption(element: Json, value: string, blockId: string, type: string): ViewStateSelectedOption {
  if (type === 'external_select' || type === 'multi_external_select') {
    return { text: { type: 'plain_text', text: value, emoji: true }, value };
  }
  const option = optionsOf(element).find((candidate) => candidate.value === value);
  if (!option) throw new Error(`Input block "${blockId}" has no option with value "${value}".`);
  return { text: option.text as ViewStateSelectedOption['text'], value };
}

export function optionsOf(element: Json): Json[] {
  const options = Array.isArray(element.options) ? (element.options as Json[]) : [];
  const groups = Array.isArray(element.option_groups) ? (element.option_groups as Json[]) : [];
  return [
    ...options,
    ...groups.flatMap((group) => (Array.isArray(group.options) ? (group.options as Json[]) : [])),
  ];
}
