import type { KnownBlock, ModalView } from '@slack/types';
import { actions, button, context, plain, section } from '../../blocks.js';
import { ACTION } from '../../ids.js';
import { userText } from '../../mrkdwn.js';
import { engineText } from '../text.js';
import type { WizardDraft } from './model.js';
import { STEP_TITLES, type WizardStep } from './navigation.js';
import { wizardTitle } from './shell.js';
import { wizardMetadata } from './store-codec.js';

/** Shown at once when Create / Save is pressed, while the engine works. */
export function wizardProgressView(draft: WizardDraft, draftId: string): ModalView {
  const verb = draft.packageId !== null ? 'Saving' : 'Creating';
  return {
    type: 'modal',
    title: plain(wizardTitle(draft), 24),
    close: plain('Close', 24),
    private_metadata: wizardMetadata(draftId),
    blocks: [section(`:hourglass_flowing_sand: ${verb} *${userText(draft.name, 80)}*…`)],
  };
}

export interface WizardOutcome {
  packageName: string;
  catalogName: string;
  editing: boolean;
  /** What was done, one line each (`Added Marketing resources — Member`). */
  done: string[];
  warnings: string[];
}

/** The package was created or saved. */
export function wizardDoneView(outcome: WizardOutcome): ModalView {
  const name = `*${userText(outcome.packageName, 80)}*`;
  const headline = outcome.editing
    ? `:white_check_mark: ${name} was saved.`
    : `:white_check_mark: ${name} was created in *${userText(outcome.catalogName, 80)}*. People who may request it see it in \`/access list\`.`;
  const blocks: KnownBlock[] = [section(headline)];
  if (outcome.done.length)
    blocks.push(
      section(
        outcome.done
          .slice(0, 20)
          .map((line) => `• ${line}`)
          .join('\n'),
      ),
    );
  for (const warning of outcome.warnings.slice(0, 5))
    blocks.push(section(`:warning: ${engineText(warning)}`));
  blocks.push(context(`\`/access package show ${userText(outcome.packageName, 80)}\` shows it again.`));
  return {
    type: 'modal',
    title: plain(outcome.editing ? 'Package saved' : 'Package created', 24),
    close: plain('Done', 24),
    blocks,
  };
}

/**
 * The engine refused (or Slack failed): the sentence, and a way back to the step to fix. Create
 * and Save apply the whole draft in one transaction, so nothing was saved; the draft is kept.
 */
export function wizardFailedView(
  draft: WizardDraft,
  draftId: string,
  message: string,
  backTo: WizardStep,
): ModalView {
  const blocks: KnownBlock[] = [
    section(`:no_entry: ${engineText(message)}`),
    context(nothingSavedWords(draft)),
    actions('wizard_nav', [button(`Back to ${STEP_TITLES[backTo]}`, ACTION.wizardBack, backTo, 'primary')]),
  ];
  return {
    type: 'modal',
    title: plain(wizardTitle(draft), 24),
    close: plain('Cancel', 24),
    private_metadata: wizardMetadata(draftId),
    blocks,
  };
}

function nothingSavedWords(draft: WizardDraft): string {
  return draft.packageId !== null
    ? 'Nothing was changed: the package is as it was. Your answers are kept.'
    : 'Nothing was created. Your answers are kept.';
}

/** Someone who may not create packages clicked "New access package", or the package is gone. */
export function wizardRefusedView(message: string): ModalView {
  return {
    type: 'modal',
    title: plain('Access packages', 24),
    close: plain('Close', 24),
    blocks: [section(`:no_entry: ${engineText(message)}`)],
  };
}
