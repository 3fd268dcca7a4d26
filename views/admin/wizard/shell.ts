import type { KnownBlock, ModalView } from '@slack/types';
import type { PolicySettings } from '../../../src/domain/policy.js';
import { actions, button, context, plain } from '../../blocks.js';
import { ACTION, CALLBACK } from '../../ids.js';
import { userText } from '../../mrkdwn.js';
import { isEditing, type WizardDraft } from './model.js';
import { previousStep, STEP_TITLES, stepBlockId, stepNumber, WIZARD_STEPS } from './navigation.js';
import { wizardMetadata } from './store-codec.js';

/** What the steps show besides the draft, read from the engine (and Slack's names) by the listener. */
export interface WizardData {
  /** Domain time, for dates. */
  now: Date;
  /** The catalogs the person may create packages in. */
  catalogs: { id: number; name: string }[];
  catalogName: string;
  /** Other packages, for the incompatible-packages select (editing). */
  packages: { id: number; name: string }[];
  /** Webhooks registered in the package's catalog, with the roles they declare. */
  /** The catalog's webhook apps and LDAP groups: picked by id and role. */
  registered: { id: number; kind: 'webhook' | 'ldap_group'; name: string; roles: string[] }[];
  /** User group names known without asking Slack (registered resources, the options cache). */
  usergroupNames: Record<string, string>;
  /** Slack user groups and channels the catalog holds already, by Slack id. */
  registeredSlackIds: string[];
  /** Whether the person may bring new resources into the catalog (its owners and admins). */
  mayRegisterResources: boolean;
  /** Editing: what is stored now, for the texts the draft leaves out. */
  current: {
    description: string;
    settings: PolicySettings;
    policyName: string;
    otherPolicies: number;
  } | null;
  /** The engine's warnings about the policy (review step). */
  warnings: string[];
}

export function emptyWizardData(now: Date): WizardData {
  return {
    now,
    catalogs: [],
    catalogName: 'General',
    packages: [],
    registered: [],
    usergroupNames: {},
    registeredSlackIds: [],
    mayRegisterResources: false,
    current: null,
    warnings: [],
  };
}

export function wizardTitle(draft: Pick<WizardDraft, 'packageId'>): string {
  return draft.packageId !== null ? 'Edit access package' : 'New access package';
}

/**
 * The modal around a step: where we are (its block_id names the step), the step's blocks, Back,
 * and Next / Create / Save. private_metadata is the draft's id in the store, nothing more.
 */
export function wizardModal(draft: WizardDraft, blocks: KnownBlock[], draftId: string): ModalView {
  const n = stepNumber(draft.step);
  const where = `Step ${n} of ${WIZARD_STEPS.length} · *${STEP_TITLES[draft.step]}*`;
  const named = draft.name && draft.step !== 'basics' ? ` — ${userText(draft.name, 80)}` : '';
  const submit = draft.step === 'review' ? (isEditing(draft) ? 'Save' : 'Create') : 'Next';
  const back =
    draft.step === 'basics'
      ? []
      : [
          actions('wizard_nav', [
            button(
              `Back to ${STEP_TITLES[previousStep(draft.step)]}`,
              ACTION.wizardBack,
              previousStep(draft.step),
            ),
          ]),
        ];
  return {
    type: 'modal',
    callback_id: CALLBACK.packageWizard,
    title: plain(wizardTitle(draft), 24),
    submit: plain(submit, 24),
    close: plain('Cancel', 24),
    private_metadata: wizardMetadata(draftId),
    blocks: [{ ...context(`${where}${named}`), block_id: stepBlockId(draft.step) }, ...blocks, ...back],
  };
}
