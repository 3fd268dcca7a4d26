import type { ViewOutput } from '@slack/bolt';
import type { Answer } from '../sandbox/driver.js';

/**
 * What a person reads in Slack, as plain lines for the demo's transcript: Block Kit (messages,
 * modals, the Home tab) turned into text, mentions into names. Pure: blocks and a directory in,
 * lines out.
 */

type Json = Record<string, unknown>;

/** How ids read in the transcript: people by name, groups by handle, channels by name. */
export interface Names {
  user(id: string): string;
  group(id: string): string;
  channel(id: string): string;
}

/** Slack mrkdwn as plain text: mentions named, bold and italics plain, escapes undone, links by their label. */
export function plainText(text: string, names: Names): string {
  return text
    .replace(/<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g, (_m, id: string) => `@${names.user(id)}`)
    .replace(/<!subteam\^([A-Z0-9]+)(?:\|[^>]*)?>/g, (_m, id: string) => `@${names.group(id)}`)
    .replace(/<#([CG][A-Z0-9]+)(?:\|[^>]*)?>/g, (_m, id: string) => `#${names.channel(id)}`)
    .replace(/<(https?:[^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/(^|[\s(>•·—])\*([^*\n]+)\*(?=$|[\s.,:;)!?'’—·])/gm, '$1$2')
    .replace(/(^|[\s(>•·—])_([^_\n]+)_(?=$|[\s.,:;)!?'’—·])/gm, '$1$2')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}

function textField(value: unknown, names: Names): string {
  const t = value as { text?: unknown } | undefined;
  return typeof t?.text === 'string' ? plainText(t.text, names) : '';
}

function elementText(element: Json, names: Names): string {
  if (element.type === 'button') return `[${textField(element.text, names)}]`;
  if (element.type === 'mrkdwn' || element.type === 'plain_text') return textField(element, names);
  if (element.type === 'image') return '';
  const placeholder = textField(element.placeholder, names);
  return `[${placeholder || String(element.type)} ▾]`;
}

/** Blocks as lines, in order: headers, sections (text, fields, a button beside them), context, buttons. */
export function blocksText(blocks: readonly unknown[] | undefined, names: Names): string[] {
  const lines: string[] = [];
  for (const raw of blocks ?? []) {
    const block = raw as Json;
    switch (block.type) {
      case 'header':
        lines.push(`# ${textField(block.text, names)}`);
        break;
      case 'section': {
        const text = textField(block.text, names);
        const accessory = block.accessory ? elementText(block.accessory as Json, names) : '';
        if (text) lines.push(...joinAccessory(text.split('\n'), accessory));
        else if (accessory) lines.push(accessory);
        for (const field of (block.fields as Json[] | undefined) ?? []) {
          lines.push(textField(field, names).replace('\n', ': ').replaceAll('\n', ' '));
        }
        break;
      }
      case 'context':
        lines.push(
          ...((block.elements as Json[] | undefined) ?? [])
            .map((e) => elementText(e, names))
            .filter(Boolean)
            .join(' · ')
            .split('\n')
            .map((line) => `(${line})`),
        );
        break;
      case 'actions':
        lines.push(
          ((block.elements as Json[] | undefined) ?? []).map((e) => elementText(e, names)).join(' '),
        );
        break;
      case 'divider':
        lines.push('—');
        break;
      case 'input':
        lines.push(`${textField(block.label, names)}: ${elementText((block.element ?? {}) as Json, names)}`);
        break;
    }
  }
  return lines;
}

function joinAccessory(lines: string[], accessory: string): string[] {
  if (!accessory || lines.length === 0) return lines;
  return [`${lines[0]}   ${accessory}`, ...lines.slice(1)];
}

/**
 * A modal as the person filled it in: its title, the texts above the fields, then the label and
 * the answer (options by their text, people and channels by name) of each field they set.
 * Fields left as the modal showed them are counted, not listed.
 */
export function filledForm(
  view: ViewOutput,
  answers: Record<string, Answer>,
  set: ReadonlySet<string>,
  names: Names,
): string[] {
  const lines = [`«${view.title.text}»`];
  let untouched = 0;
  for (const raw of view.blocks as unknown as Json[]) {
    if (raw.type !== 'input') {
      if (raw.type === 'context' || raw.type === 'section' || raw.type === 'header') {
        lines.push(...blocksText([raw], names));
      }
      continue;
    }
    const blockId = String(raw.block_id);
    if (!set.has(blockId)) {
      untouched += 1;
      continue;
    }
    const shown = answerText((raw.element ?? {}) as Json, answers[blockId], names);
    lines.push(`${textField(raw.label, names)}: ${shown || 'none'}`);
  }
  if (untouched > 0) {
    lines.push(
      set.size === 0
        ? '(every field left as it was)'
        : `(${untouched} more field${untouched === 1 ? '' : 's'} left as ${untouched === 1 ? 'it was' : 'they were'})`,
    );
  }
  const submit = view.submit ? textField(view.submit, names) : '';
  if (submit) lines.push(`[${submit}]`);
  return lines;
}

function answerText(element: Json, answer: Answer | undefined, names: Names): string {
  if (answer === undefined || answer === null) return '';
  const values = Array.isArray(answer) ? answer : [answer];
  if (values.length === 0 || values.every((v) => v === '')) return '';
  const options = [
    ...(((element.options as Json[] | undefined) ?? []) as Json[]),
    ...(((element.initial_options as Json[] | undefined) ?? []) as Json[]),
  ];
  const shown = values.map((value) => {
    switch (element.type) {
      case 'multi_users_select':
      case 'users_select':
        return `@${names.user(value)}`;
      case 'multi_conversations_select':
      case 'conversations_select':
      case 'multi_channels_select':
      case 'channels_select':
        return `#${names.channel(value)}`;
      case 'multi_external_select':
      case 'external_select':
        return /^S[A-Z0-9]+$/.test(value) ? `@${names.group(value)}` : value;
      default: {
        const option = options.find((o) => o.value === value);
        return option ? textField(option.text, names) : value;
      }
    }
  });
  return shown.join(', ');
}
