import type {
  Button,
  ContextBlock,
  DividerBlock,
  HeaderBlock,
  KnownBlock,
  PlainTextElement,
  SectionBlock,
} from '@slack/types';
import { truncate } from './mrkdwn.js';

/** Small builders that keep every piece within Slack's limits by construction. */

export function plain(text: string, max = 75): PlainTextElement {
  return { type: 'plain_text', text: truncate(text, max), emoji: true };
}

export function header(text: string): HeaderBlock {
  return { type: 'header', text: plain(text, 150) };
}

/** A section of mrkdwn; callers escape user text (views/mrkdwn.ts). */
export function section(text: string, accessory?: SectionBlock['accessory']): SectionBlock {
  return {
    type: 'section',
    text: { type: 'mrkdwn', text: truncate(text || ' ', 3000) },
    ...(accessory ? { accessory } : {}),
  };
}

/** Lines, `perSection` to a section (a newline between them), so that long lists stay within Slack's limits. */
export function lineSections(lines: readonly string[], perSection: number): SectionBlock[] {
  const sections: SectionBlock[] = [];
  for (let i = 0; i < lines.length; i += perSection) {
    sections.push(section(lines.slice(i, i + perSection).join('\n')));
  }
  return sections;
}

export function fields(pairs: readonly (readonly [string, string])[]): SectionBlock {
  return {
    type: 'section',
    fields: pairs
      .slice(0, 10)
      .map(([label, value]) => ({ type: 'mrkdwn', text: truncate(`*${label}*\n${value}`, 2000) })),
  };
}

export function context(text: string): ContextBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: truncate(text, 3000) }] };
}

export function divider(): DividerBlock {
  return { type: 'divider' };
}

export function button(text: string, actionId: string, value: string, style?: 'primary' | 'danger'): Button {
  return {
    type: 'button',
    text: plain(text),
    action_id: actionId,
    value: truncate(value, 2000),
    ...(style ? { style } : {}),
  };
}

export function actions(blockId: string | undefined, elements: Button[]): KnownBlock {
  return { type: 'actions', ...(blockId ? { block_id: blockId } : {}), elements: elements.slice(0, 25) };
}
