import type {
  Checkboxes,
  Datepicker,
  InputBlock,
  MultiConversationsSelect,
  MultiExternalSelect,
  MultiStaticSelect,
  MultiUsersSelect,
  NumberInput,
  PlainTextInput,
  PlainTextOption,
  RadioButtons,
  StaticSelect,
} from '@slack/types';
import { plain } from '../blocks.js';
import { truncate } from '../mrkdwn.js';

/**
 * Input blocks for admin modals. The element's action_id is the block_id, so state reads as
 * `values[name][name]`; labels, hints and options are cut to Slack's limits by construction.
 */

type InputElement = InputBlock['element'];

export function input(
  blockId: string,
  label: string,
  element: InputElement,
  options: { optional?: boolean; hint?: string } = {},
): InputBlock {
  return {
    type: 'input',
    block_id: blockId,
    label: plain(label, 2000),
    element,
    ...(options.optional ? { optional: true } : {}),
    ...(options.hint ? { hint: plain(options.hint, 2000) } : {}),
  };
}

export function option(text: string, value: string, description?: string): PlainTextOption {
  return {
    text: plain(text, 75),
    value: truncate(value, 75),
    ...(description ? { description: plain(description, 75) } : {}),
  };
}

export function textInput(
  actionId: string,
  settings: { initial?: string; max: number; multiline?: boolean; placeholder?: string },
): PlainTextInput {
  const initial = settings.initial ? truncate(settings.initial, settings.max) : '';
  return {
    type: 'plain_text_input',
    action_id: actionId,
    max_length: settings.max,
    ...(settings.multiline ? { multiline: true } : {}),
    ...(initial ? { initial_value: initial } : {}),
    ...(settings.placeholder ? { placeholder: plain(settings.placeholder, 150) } : {}),
  };
}

export function numberInput(
  actionId: string,
  settings: { initial?: number | null; min: number; max: number },
): NumberInput {
  return {
    type: 'number_input',
    action_id: actionId,
    is_decimal_allowed: false,
    min_value: String(settings.min),
    max_value: String(settings.max),
    ...(settings.initial !== undefined && settings.initial !== null
      ? { initial_value: String(settings.initial) }
      : {}),
  };
}

/** Radio buttons (at most 10 options); the initial one is always one of them. */
export function radio(actionId: string, options: PlainTextOption[], initialValue?: string): RadioButtons {
  const shown = options.slice(0, 10);
  const initial = shown.find((o) => o.value === initialValue);
  return {
    type: 'radio_buttons',
    action_id: actionId,
    options: shown,
    ...(initial ? { initial_option: initial } : {}),
  };
}

export function yesNo(
  actionId: string,
  value: boolean,
  words: [string, string] = ['Yes', 'No'],
): RadioButtons {
  return radio(actionId, [option(words[0], 'yes'), option(words[1], 'no')], value ? 'yes' : 'no');
}

/** One checkbox, ticked or not. */
export function checkbox(actionId: string, text: string, checked: boolean): Checkboxes {
  const box = option(text, 'on');
  return {
    type: 'checkboxes',
    action_id: actionId,
    options: [box],
    ...(checked ? { initial_options: [box] } : {}),
  };
}

/** A static select of at most 100 options; the initial one is always among them. */
export function staticSelect(
  actionId: string,
  options: PlainTextOption[],
  initialValue?: string | null,
  placeholder = 'Choose one',
): StaticSelect {
  const shown = options.slice(0, 100);
  const initial = shown.find((o) => o.value === initialValue);
  return {
    type: 'static_select',
    action_id: actionId,
    placeholder: plain(placeholder, 150),
    options: shown,
    ...(initial ? { initial_option: initial } : {}),
  };
}

/** `max_selected_items`: how many Slack lets the person pick (at least 1). */
function maxSelected(max: number | undefined): { max_selected_items?: number } {
  return max !== undefined ? { max_selected_items: Math.max(1, max) } : {};
}

export function multiStaticSelect(
  actionId: string,
  options: PlainTextOption[],
  initialValues: readonly string[],
  placeholder = 'Choose',
  max?: number,
): MultiStaticSelect {
  const shown = options.slice(0, 100);
  const initial = shown.filter((o) => o.value !== undefined && initialValues.includes(o.value));
  return {
    type: 'multi_static_select',
    action_id: actionId,
    placeholder: plain(placeholder, 150),
    options: shown,
    ...(initial.length ? { initial_options: initial } : {}),
    ...maxSelected(max),
  };
}

/** Options loaded as the person types (block_suggestion): any number of choices. */
export function multiExternalSelect(
  actionId: string,
  initial: PlainTextOption[],
  placeholder: string,
  max?: number,
): MultiExternalSelect {
  return {
    type: 'multi_external_select',
    action_id: actionId,
    min_query_length: 0,
    placeholder: plain(placeholder, 150),
    ...(initial.length ? { initial_options: initial } : {}),
    ...maxSelected(max),
  };
}

export function multiUsers(
  actionId: string,
  initial: readonly string[],
  placeholder = 'Pick people',
  max?: number,
): MultiUsersSelect {
  return {
    type: 'multi_users_select',
    action_id: actionId,
    placeholder: plain(placeholder, 150),
    ...(initial.length ? { initial_users: [...initial] } : {}),
    ...maxSelected(max),
  };
}

export function multiChannels(
  actionId: string,
  initial: readonly string[],
  max?: number,
): MultiConversationsSelect {
  return {
    type: 'multi_conversations_select',
    action_id: actionId,
    placeholder: plain('Pick channels', 150),
    filter: {
      include: ['public', 'private'],
      exclude_bot_users: true,
      exclude_external_shared_channels: true,
    },
    ...(initial.length ? { initial_conversations: [...initial] } : {}),
    ...maxSelected(max),
  };
}

export function datepicker(actionId: string, initial?: string | null): Datepicker {
  return {
    type: 'datepicker',
    action_id: actionId,
    ...(initial ? { initial_date: initial } : {}),
  };
}
