import type { ViewOutput } from '@slack/bolt';
import { type Answer, initialAnswers, textOf, wizardOf } from '../sandbox/driver.js';
import type { GatehouseSandbox } from '../sandbox/gatehouse-sandbox.js';
import { WOODGROVE } from '../sandbox/seeds.js';
import type { PostedMessage } from '../sandbox/workspace.js';
import { blocksText, filledForm, type Names, plainText } from './render.js';
import type { Transcript } from './transcript.js';

const { admin, marketingGroup, campaignChannel } = WOODGROVE;

/**
 * How the demo's people act in Slack and what the transcript shows of it: a command and its
 * answer, a modal as filled in, the DMs that came, the Home tab, the group and the channel.
 * Every action goes through the sandbox driver, as the Slack tests act.
 */
export class Stage {
  protected readonly names: Names;

  constructor(
    protected readonly s: GatehouseSandbox,
    protected readonly t: Transcript,
  ) {
    const workspace = s.fake.workspace;
    this.names = {
      user: (id) => workspace.users.get(id)?.real_name ?? id,
      group: (id) => workspace.userGroups.get(id)?.handle ?? id,
      channel: (id) => workspace.channels.get(id)?.name ?? id,
    };
  }

  protected async command(
    userId: string,
    text: string,
    options: { show?: boolean } = {},
  ): Promise<{ text: string; blocks?: unknown[] }> {
    const person = this.names.user(userId);
    this.t.act(person, `/access ${plainText(text, this.names)}`);
    const { status, replies } = await this.s.command(userId, text);
    this.t.check(status === 200, `Slack's request to be acked (HTTP ${status})`);
    if (options.show !== false) {
      this.t.check(replies.length > 0, `an answer to /access ${text}`);
      this.t.sees(
        person,
        'an answer only they can see',
        replies.flatMap((r) => this.read(r)),
      );
    }
    return replies.at(-1) ?? { text: '' };
  }

  /** Fills in the wizard's current step (on top of what it shows already), prints it, and submits. */
  protected async wizardStep(step: string, answers: Record<string, Answer>): Promise<void> {
    const { view, step: shown } = wizardOf(this.s, admin);
    this.t.check(shown === step, `the wizard on its ${step} step (it is on ${shown})`);
    await this.submitFilled('Admin1', admin, view, answers, 'Next');
  }

  /** The wizard's last step: shows the summary, presses Create or Save; returns the result modal's text. */
  protected async reviewAndCreate(button: 'Create' | 'Save'): Promise<string> {
    const { view, step } = wizardOf(this.s, admin);
    this.t.check(step === 'review', `the wizard on Review + create (it is on ${step})`);
    this.t.sees('Admin1', `«${view.title.text}»`, blocksText(view.blocks, this.names));
    this.t.act('Admin1', `clicks [${button}]`);
    const { ack } = await this.s.submit({ userId: admin });
    this.t.check(!hasErrors(ack), `the package to be saved (${JSON.stringify(ack)})`);
    const result = this.s.fake.openModal(admin);
    this.t.check(result, 'a modal with the result');
    this.t.sees('Admin1', `«${result!.title.text}»`, blocksText(result!.blocks, this.names));
    return textOf(result!.blocks);
  }

  protected async submitModal(userId: string, title: string, answers: Record<string, Answer>): Promise<void> {
    const view = this.s.fake.openModal(userId);
    this.t.check(view?.title.text === title, `the "${title}" modal open (found "${view?.title.text}")`);
    await this.submitFilled(this.names.user(userId), userId, view!, answers);
  }

  protected async submitFilled(
    person: string,
    userId: string,
    view: ViewOutput,
    set: Record<string, Answer>,
    button?: string,
  ): Promise<void> {
    // Slack submits every field: what the modal showed, with what the person set on top.
    const answers = { ...initialAnswers(view), ...set };
    this.t.sees(
      person,
      'a modal, and fills it in',
      filledForm(view, answers, new Set(Object.keys(set)), this.names),
    );
    this.t.act(person, `clicks [${button ?? view.submit?.text ?? 'Submit'}]`);
    const { status, ack } = await this.s.submit({ userId, answers });
    this.t.check(status === 200, `the submission to be acked (HTTP ${status})`);
    this.t.check(!hasErrors(ack), `no field errors (${JSON.stringify(ack)})`);
  }

  /** Prints the DMs `userId` got since `count` (as they read now) and returns them. */
  protected dmsSince(userId: string, count: number): PostedMessage[] {
    const dms = this.s.fake.messagesTo(userId).slice(count);
    const person = this.names.user(userId);
    if (dms.length === 0) this.t.note(`${person} got no DM`);
    for (const dm of dms) this.showDm(person, dm);
    return dms;
  }

  protected showDm(person: string, dm: PostedMessage): void {
    const updated = dm.updates.length > 0 ? `, since updated ${dm.updates.length}×` : '';
    this.t.sees(person, `a DM from Gatehouse${updated}`, this.read(dm));
  }

  protected read(message: { text?: string; blocks?: unknown[] }): string[] {
    const lines = blocksText(message.blocks, this.names);
    return lines.length > 0 ? lines : [plainText(message.text ?? '', this.names)];
  }

  /** The Home tab's sections (each header and what follows), or one of them. */
  protected homeSections(view: ViewOutput, only?: string): string[] {
    const lines = blocksText(view.blocks, this.names).filter((line) => line !== '—');
    if (!only) return lines;
    const start = lines.indexOf(`# ${only}`);
    if (start < 0) return [];
    const end = lines.findIndex((line, i) => i > start && line.startsWith('# '));
    return lines.slice(start, end < 0 ? undefined : end);
  }

  /**
   * Who is in the Marketing resources group. Slack refuses an empty user group, so Gatehouse
   * disables it as its last member leaves; a disabled group has no members, whatever it still lists.
   */
  protected groupMembers(): string[] {
    const group = this.s.fake.group(marketingGroup);
    return group.disabled ? [] : [...group.users];
  }

  protected groupState(): void {
    const group = this.s.fake.group(marketingGroup);
    const members = this.groupMembers().map((id) => this.names.user(id));
    const disabled = group.disabled
      ? ' (disabled: Slack refuses an empty user group, so Gatehouse disabled it as the last member left)'
      : '';
    this.t.state(
      `User group @${group.handle} ("${group.name}")`,
      `${members.length > 0 ? members.join(', ') : 'no members'}${disabled}`,
    );
  }

  protected channelState(): void {
    const bot = this.s.fake.workspace.bot.userId;
    const members = this.s.fake
      .channelMembers(campaignChannel)
      .filter((id) => id !== bot)
      .map((id) => this.names.user(id));
    this.t.state(
      `Channel #${this.names.channel(campaignChannel)}`,
      `${members.join(', ') || 'no members'} (and the Gatehouse bot)`,
    );
  }
}

function hasErrors(ack: unknown): boolean {
  return (
    typeof ack === 'object' &&
    ack !== null &&
    (ack as { response_action?: unknown }).response_action === 'errors'
  );
}
