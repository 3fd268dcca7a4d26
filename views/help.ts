import type { KnownBlock } from '@slack/types';
import { context, header, section } from './blocks.js';
import { userText } from './mrkdwn.js';

export interface HelpEntry {
  usage: string;
  summary: string;
}

/** `/access help`: what a requestor can do, and the admin commands for those who hold a role. */
export function helpView(input: { requestor: HelpEntry[]; admin: HelpEntry[]; unknown?: string }): {
  text: string;
  blocks: KnownBlock[];
} {
  const line = (e: HelpEntry) => `\`/access ${e.usage}\` — ${e.summary}`;
  const blocks: KnownBlock[] = [header('Gatehouse: /access')];
  if (input.unknown) {
    blocks.push(
      section(
        `I don't know \`${userText(input.unknown.replaceAll('`', "'"), 100)}\`. Here is what I can do:`,
      ),
    );
  }
  blocks.push(section(input.requestor.map(line).join('\n')));
  if (input.admin.length > 0) {
    blocks.push(section(`*For admins and catalog role holders*\n${input.admin.map(line).join('\n')}`));
  }
  blocks.push(context('Your access, requests and approvals are also on the Home tab of the Gatehouse app.'));
  return { text: 'Gatehouse help: /access list, /access request <package>, /access my', blocks };
}
