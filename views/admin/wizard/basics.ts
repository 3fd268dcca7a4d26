import type { KnownBlock } from '@slack/types';
import { context } from '../../blocks.js';
import { userText } from '../../mrkdwn.js';
import { checkbox, input, multiStaticSelect, option, staticSelect, textInput } from '../inputs.js';
import { isEditing, WIZARD_LIMITS, type WizardDraft } from './model.js';
import type { WizardData } from './shell.js';
import {
  checkedOf,
  type FieldErrors,
  optionOf,
  optionsOf,
  type StateValues,
  type StepReading,
  textOf,
} from './state.js';

const NAME_MAX = 80;

/** The description the step shows: the draft's, or the stored one while it is unchanged. */
function shownDescription(draft: WizardDraft, data: WizardData): string {
  return draft.description ?? data.current?.description ?? '';
}

/** Step 1: name, description, catalog; editing adds hidden and incompatible packages. */
export function basicsBlocks(draft: WizardDraft, data: WizardData): KnownBlock[] {
  const description = shownDescription(draft, data);
  const blocks: KnownBlock[] = [
    input(
      'name',
      'Name',
      textInput('name', { initial: draft.name, max: NAME_MAX, placeholder: 'Marketing Campaign' }),
      { hint: 'What people see in `/access list` and type after `/access request`.' },
    ),
    input(
      'description',
      'Description',
      textInput('description', {
        initial: description,
        max: Math.max(WIZARD_LIMITS.description, [...description].length),
        multiline: true,
        placeholder: 'Access to resources for the campaign',
      }),
      { optional: true, hint: `Up to ${WIZARD_LIMITS.description} characters.` },
    ),
  ];
  if (isEditing(draft)) {
    blocks.push(context(`Catalog: *${userText(data.catalogName, 80)}*`));
    blocks.push(
      input(
        'hidden',
        'Visibility',
        checkbox('hidden', 'Hidden: not listed in /access list or on Home', draft.hidden),
        {
          optional: true,
          hint: 'Hidden packages can still be assigned by admins and requested by exact name.',
        },
      ),
    );
    const others = data.packages.filter((p) => p.id !== draft.packageId);
    if (others.length > 0) {
      // Selected ones first, so they are always among the (at most 100) options.
      const ordered = [
        ...others.filter((p) => draft.incompatibleIds.includes(p.id)),
        ...others.filter((p) => !draft.incompatibleIds.includes(p.id)),
      ];
      blocks.push(
        input(
          'incompatible',
          'Incompatible packages',
          multiStaticSelect(
            'incompatible',
            ordered.map((p) => option(p.name, String(p.id))),
            draft.incompatibleIds.map(String),
            'Packages that exclude this one',
            WIZARD_LIMITS.incompatible,
          ),
          {
            optional: true,
            hint: `Someone who holds one of these can't request this one, and the other way round. Up to ${WIZARD_LIMITS.incompatible}.`,
          },
        ),
      );
    }
  } else {
    blocks.push(
      input(
        'catalog',
        'Catalog',
        staticSelect(
          'catalog',
          data.catalogs.map((c) => option(c.name, String(c.id))),
          draft.catalogId ? String(draft.catalogId) : null,
          'Choose a catalog',
        ),
        { hint: 'The catalog decides who can manage the package.' },
      ),
    );
  }
  return blocks;
}

export function readBasics(
  values: StateValues,
  draft: WizardDraft,
  data: WizardData,
): StepReading<WizardDraft> {
  const errors: FieldErrors = {};
  const name = textOf(values, 'name');
  if (!name) errors.name = 'Give the package a name.';
  else if ([...name].length > NAME_MAX) errors.name = `Keep the name to ${NAME_MAX} characters or fewer.`;

  const typed = textOf(values, 'description');
  let description: string | null = typed;
  if (isEditing(draft) && typed === (data.current?.description ?? '').trim()) description = null;
  else if ([...typed].length > WIZARD_LIMITS.description) {
    errors.description = `Keep the description to ${WIZARD_LIMITS.description} characters or fewer.`;
  }

  let catalogId = draft.catalogId;
  let hidden = draft.hidden;
  let incompatibleIds = draft.incompatibleIds;
  if (isEditing(draft)) {
    hidden = checkedOf(values, 'hidden');
    const known = new Set(data.packages.map((p) => p.id));
    incompatibleIds = optionsOf(values, 'incompatible')
      .map(Number)
      .filter((id) => known.has(id) && id !== draft.packageId);
    if (incompatibleIds.length > WIZARD_LIMITS.incompatible) {
      errors.incompatible = `Pick at most ${WIZARD_LIMITS.incompatible} packages.`;
    }
  } else {
    const picked = Number(optionOf(values, 'catalog'));
    const catalog = data.catalogs.find((c) => c.id === picked);
    if (!catalog) errors.catalog = 'Choose the catalog the package goes in.';
    else catalogId = catalog.id;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, draft: { ...draft, name, description, catalogId, hidden, incompatibleIds } };
}
