import { optionsOf } from './view-state.js';

/**
 * Block Kit limits as Slack's Web API enforces them (SLACK-FACTS.md "Block Kit limits"):
 * each problem is reported the way Slack reports it, `[ERROR] … [json-pointer:/…]`.
 */
export interface BlockKitIssue {
  level: 'error' | 'warn';
  message: string;
  pointer: string;
}

export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  modalTitle: 24,
  modalButton: 24,
  privateMetadata: 3000,
  callbackId: 255,
  externalId: 255,
  blockId: 255,
  actionId: 255,
  sectionText: 3000,
  sectionFields: 10,
  sectionField: 2000,
  header: 150,
  inputLabel: 2000,
  inputHint: 2000,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  buttonUrl: 3000,
  accessibilityLabel: 75,
  optionText: 75,
  optionDescription: 75,
  /** Slack's current docs allow 150; @slack/types and older docs say 75, so beyond 75 is a warning. */
  optionValue: 150,
  optionValueSafe: 75,
  selectOptions: 100,
  optionGroups: 100,
  choiceOptions: 10,
  overflowOptions: 5,
  placeholder: 150,
  plainTextInput: 3000,
  markdownBlock: 12_000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
} as const;

export function formatIssue(issue: BlockKitIssue): string {
  return `[${issue.level === 'error' ? 'ERROR' : 'WARN'}] ${issue.message} [json-pointer:${issue.pointer}]`;
}

export function checkMessageBlocks(blocks: unknown, pointer = '/blocks'): BlockKitIssue[] {
  const checker = new Checker();
  checker.blocks(blocks, pointer, LIMITS.messageBlocks);
  return checker.issues;
}

/** A modal or Home tab; `pointer` is where the view sits in the call's arguments. */
export function checkView(view: unknown, pointer = '/view'): BlockKitIssue[] {
  const checker = new Checker();
  checker.view(view, pointer);
  return checker.issues;
}

type Json = Record<string, unknown>;

const SELECTS_WITH_OPTIONS = new Set(['static_select', 'multi_static_select']);
const CHOICES = new Set(['checkboxes', 'radio_buttons']);

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Slack counts characters, not UTF-16 code units. */
function length(text: string): number {
  return [...text].length;
}

class Checker {
  readonly issues: BlockKitIssue[] = [];

  private error(pointer: string, message: string): void {
    this.issues.push({ level: 'error', message, pointer });
  }

  private warn(pointer: string, message: string): void {
    this.issues.push({ level: 'warn', message, pointer });
  }

  private maxLength(value: unknown, max: number, pointer: string): void {
    if (value === undefined || value === null) return;
    if (typeof value !== 'string') {
      this.error(pointer, 'must be a string');
      return;
    }
    if (length(value) > max) this.error(pointer, `must be less than ${max + 1} characters`);
  }

  private text(
    value: unknown,
    pointer: string,
    options: { max: number; min?: number; required?: boolean; plainOnly?: boolean },
  ): void {
    if (value === undefined || value === null) {
      if (options.required) this.error(pointer, 'missing required field');
      return;
    }
    if (!isObject(value)) {
      this.error(pointer, 'must be a text object');
      return;
    }
    if (value.type !== 'plain_text' && (options.plainOnly || value.type !== 'mrkdwn')) {
      this.error(
        `${pointer}/type`,
        options.plainOnly ? 'must be plain_text' : 'must be one of plain_text, mrkdwn',
      );
      return;
    }
    if (typeof value.text !== 'string') {
      this.error(`${pointer}/text`, 'must be a string');
      return;
    }
    const size = length(value.text);
    if (size < (options.min ?? 1))
      this.error(`${pointer}/text`, `must be more than ${(options.min ?? 1) - 1} characters`);
    if (size > options.max) this.error(`${pointer}/text`, `must be less than ${options.max + 1} characters`);
  }

  private count(items: unknown, max: number, pointer: string, min = 0): items is unknown[] {
    if (!Array.isArray(items)) {
      this.error(pointer, 'must be an array');
      return false;
    }
    if (items.length > max) this.error(pointer, `no more than ${max} items allowed`);
    if (items.length < min) this.error(pointer, `must provide at least ${min} item${min === 1 ? '' : 's'}`);
    return true;
  }

  view(view: unknown, pointer: string): void {
    if (!isObject(view)) {
      this.error(pointer, 'must be an object');
      return;
    }
    if (view.type !== 'modal' && view.type !== 'home') {
      this.error(`${pointer}/type`, 'must be one of modal, home');
    }
    this.maxLength(view.private_metadata, LIMITS.privateMetadata, `${pointer}/private_metadata`);
    this.maxLength(view.callback_id, LIMITS.callbackId, `${pointer}/callback_id`);
    this.maxLength(view.external_id, LIMITS.externalId, `${pointer}/external_id`);
    if (view.type === 'modal') {
      this.text(view.title, `${pointer}/title`, { max: LIMITS.modalTitle, required: true, plainOnly: true });
      this.text(view.submit, `${pointer}/submit`, { max: LIMITS.modalButton, plainOnly: true });
      this.text(view.close, `${pointer}/close`, { max: LIMITS.modalButton, plainOnly: true });
      const hasInput =
        Array.isArray(view.blocks) && view.blocks.some((b) => isObject(b) && b.type === 'input');
      if (hasInput && view.submit == null)
        this.error(`${pointer}/submit`, 'must define submit to use input block');
    }
    this.blocks(view.blocks, `${pointer}/blocks`, LIMITS.viewBlocks);
  }

  blocks(blocks: unknown, pointer: string, max: number): void {
    if (!this.count(blocks, max, pointer)) return;
    const blockIds = new Set<string>();
    blocks.forEach((block, index) => {
      const at = `${pointer}/${index}`;
      if (!isObject(block)) {
        this.error(at, 'must be an object');
        return;
      }
      if (block.block_id !== undefined) {
        this.maxLength(block.block_id, LIMITS.blockId, `${at}/block_id`);
        if (typeof block.block_id === 'string') {
          if (blockIds.has(block.block_id)) {
            this.error(`${at}/block_id`, `block_id "${block.block_id}" is already used by another block`);
          }
          blockIds.add(block.block_id);
        }
      }
      this.block(block, at);
    });
  }

  private block(block: Json, at: string): void {
    switch (block.type) {
      case 'section':
        this.section(block, at);
        return;
      case 'header':
        this.text(block.text, `${at}/text`, { max: LIMITS.header, required: true, plainOnly: true });
        return;
      case 'context':
        if (this.count(block.elements, LIMITS.contextElements, `${at}/elements`, 1)) {
          block.elements.forEach((element, i) => {
            const where = `${at}/elements/${i}`;
            if (isObject(element) && element.type === 'image') this.element(element, where);
            else this.text(element, where, { max: LIMITS.sectionText, required: true });
          });
        }
        return;
      case 'actions':
        this.actions(block, at);
        return;
      case 'input':
        this.text(block.label, `${at}/label`, { max: LIMITS.inputLabel, required: true, plainOnly: true });
        this.text(block.hint, `${at}/hint`, { max: LIMITS.inputHint, plainOnly: true });
        if (!isObject(block.element)) {
          this.error(`${at}/element`, 'missing required field');
          return;
        }
        this.element(block.element, `${at}/element`);
        return;
      case 'markdown':
        if (typeof block.text !== 'string') {
          this.error(`${at}/text`, 'missing required field');
          return;
        }
        this.maxLength(block.text, LIMITS.markdownBlock, `${at}/text`);
        return;
      case 'image':
        if (block.image_url === undefined && block.slack_file === undefined) {
          this.error(`${at}/image_url`, 'missing required field');
        }
        if (typeof block.alt_text !== 'string') this.error(`${at}/alt_text`, 'missing required field');
        this.maxLength(block.alt_text, 2000, `${at}/alt_text`);
        return;
      case 'divider':
      case 'rich_text':
      case 'file':
      case 'video':
      case 'table':
      case 'context_actions':
      case 'alert':
      case 'card':
      case 'carousel':
      case 'container':
      case 'data_table':
      case 'task_card':
      case 'plan':
        return;
      default:
        this.error(`${at}/type`, `unsupported block type: ${String(block.type)}`);
    }
  }

  private section(block: Json, at: string): void {
    if (block.text === undefined && block.fields === undefined) {
      this.error(at, 'must provide either text or fields');
    }
    this.text(block.text, `${at}/text`, { max: LIMITS.sectionText });
    if (block.fields !== undefined && this.count(block.fields, LIMITS.sectionFields, `${at}/fields`, 1)) {
      block.fields.forEach((field, i) => {
        this.text(field, `${at}/fields/${i}`, { max: LIMITS.sectionField, required: true });
      });
    }
    if (block.accessory !== undefined) {
      if (isObject(block.accessory)) this.element(block.accessory, `${at}/accessory`);
      else this.error(`${at}/accessory`, 'must be an object');
    }
  }

  private actions(block: Json, at: string): void {
    if (!this.count(block.elements, LIMITS.actionsElements, `${at}/elements`, 1)) return;
    const actionIds = new Set<string>();
    block.elements.forEach((element, i) => {
      const where = `${at}/elements/${i}`;
      if (!isObject(element)) {
        this.error(where, 'must be an object');
        return;
      }
      if (typeof element.action_id === 'string') {
        if (actionIds.has(element.action_id)) {
          this.error(`${where}/action_id`, `action_id "${element.action_id}" is already used in this block`);
        }
        actionIds.add(element.action_id);
      }
      this.element(element, where);
    });
  }

  private element(element: Json, at: string): void {
    this.maxLength(element.action_id, LIMITS.actionId, `${at}/action_id`);
    this.text(element.placeholder, `${at}/placeholder`, { max: LIMITS.placeholder, plainOnly: true });
    if (element.confirm !== undefined) this.confirm(element.confirm, `${at}/confirm`);
    const type = String(element.type);
    if (type === 'button') {
      this.text(element.text, `${at}/text`, { max: LIMITS.buttonText, required: true, plainOnly: true });
      this.maxLength(element.value, LIMITS.buttonValue, `${at}/value`);
      this.maxLength(element.url, LIMITS.buttonUrl, `${at}/url`);
      this.maxLength(element.accessibility_label, LIMITS.accessibilityLabel, `${at}/accessibility_label`);
    } else if (SELECTS_WITH_OPTIONS.has(type)) {
      this.selectOptions(element, at);
    } else if (CHOICES.has(type)) {
      if (this.count(element.options, LIMITS.choiceOptions, `${at}/options`, 1)) {
        for (const [i, option] of element.options.entries()) this.option(option, `${at}/options/${i}`, false);
      }
      this.initialOptions(element, at);
    } else if (type === 'overflow') {
      if (this.count(element.options, LIMITS.overflowOptions, `${at}/options`, 1)) {
        for (const [i, option] of element.options.entries()) this.option(option, `${at}/options/${i}`, true);
      }
    } else if (type === 'plain_text_input') {
      this.plainTextInput(element, at);
    } else if (type === 'datepicker' && element.initial_date !== undefined) {
      if (typeof element.initial_date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(element.initial_date)) {
        this.error(`${at}/initial_date`, 'must be a date in the format YYYY-MM-DD');
      }
    } else if (type === 'timepicker' && element.initial_time !== undefined) {
      if (
        typeof element.initial_time !== 'string' ||
        !/^([01]\d|2[0-3]):[0-5]\d$/.test(element.initial_time)
      ) {
        this.error(`${at}/initial_time`, 'must be a time in the format HH:mm');
      }
    } else if (type === 'image') {
      if (typeof element.alt_text !== 'string') this.error(`${at}/alt_text`, 'missing required field');
    }
  }

  private selectOptions(element: Json, at: string): void {
    const hasOptions = element.options !== undefined;
    const hasGroups = element.option_groups !== undefined;
    if (hasOptions === hasGroups) {
      this.error(at, 'must provide exactly one of options, option_groups');
    }
    if (hasOptions && this.count(element.options, LIMITS.selectOptions, `${at}/options`, 1)) {
      for (const [i, option] of element.options.entries()) this.option(option, `${at}/options/${i}`, true);
    }
    if (hasGroups && this.count(element.option_groups, LIMITS.optionGroups, `${at}/option_groups`, 1)) {
      element.option_groups.forEach((group, g) => {
        const where = `${at}/option_groups/${g}`;
        if (!isObject(group)) {
          this.error(where, 'must be an object');
          return;
        }
        this.text(group.label, `${where}/label`, { max: LIMITS.optionText, required: true, plainOnly: true });
        if (this.count(group.options, LIMITS.selectOptions, `${where}/options`, 1)) {
          for (const [i, option] of group.options.entries())
            this.option(option, `${where}/options/${i}`, true);
        }
      });
    }
    this.initialOptions(element, at);
  }

  private option(option: unknown, at: string, plainOnly: boolean): void {
    if (!isObject(option)) {
      this.error(at, 'must be an object');
      return;
    }
    this.text(option.text, `${at}/text`, { max: LIMITS.optionText, required: true, plainOnly });
    this.text(option.description, `${at}/description`, { max: LIMITS.optionDescription, plainOnly });
    if (typeof option.value !== 'string') {
      this.error(`${at}/value`, 'missing required field');
      return;
    }
    const size = length(option.value);
    if (size > LIMITS.optionValue)
      this.error(`${at}/value`, `must be less than ${LIMITS.optionValue + 1} characters`);
    else if (size > LIMITS.optionValueSafe) {
      this.warn(`${at}/value`, `is ${size} characters; @slack/types and older clients allow at most 75`);
    }
  }

  /** An initial option must be one of the element's options, text and value alike. */
  private initialOptions(element: Json, at: string): void {
    const options = optionsOf(element);
    const matches = (candidate: unknown): boolean =>
      isObject(candidate) &&
      options.some(
        (option) =>
          option.value === candidate.value &&
          isObject(option.text) &&
          isObject(candidate.text) &&
          option.text.text === candidate.text.text,
      );
    if (element.initial_option !== undefined && !matches(element.initial_option)) {
      this.error(`${at}/initial_option`, 'must match one of the provided options');
    }
    if (Array.isArray(element.initial_options)) {
      element.initial_options.forEach((candidate, i) => {
        if (!matches(candidate))
          this.error(`${at}/initial_options/${i}`, 'must match one of the provided options');
      });
    }
  }

  private plainTextInput(element: Json, at: string): void {
    const max = element.max_length;
    const min = element.min_length;
    if (max !== undefined && (typeof max !== 'number' || max < 1 || max > LIMITS.plainTextInput)) {
      this.error(`${at}/max_length`, `must be between 1 and ${LIMITS.plainTextInput}`);
    }
    if (min !== undefined && (typeof min !== 'number' || min < 0 || min > LIMITS.plainTextInput)) {
      this.error(`${at}/min_length`, `must be between 0 and ${LIMITS.plainTextInput}`);
    }
    const limit =
      typeof max === 'number' && max >= 1 ? Math.min(max, LIMITS.plainTextInput) : LIMITS.plainTextInput;
    this.maxLength(element.initial_value, limit, `${at}/initial_value`);
  }

  private confirm(confirm: unknown, at: string): void {
    if (!isObject(confirm)) {
      this.error(at, 'must be an object');
      return;
    }
    this.text(confirm.title, `${at}/title`, { max: LIMITS.confirmTitle, required: true, plainOnly: true });
    this.text(confirm.text, `${at}/text`, { max: LIMITS.confirmText, required: true });
    this.text(confirm.confirm, `${at}/confirm`, {
      max: LIMITS.confirmButton,
      required: true,
      plainOnly: true,
    });
    this.text(confirm.deny, `${at}/deny`, { max: LIMITS.confirmButton, required: true, plainOnly: true });
  }
}
