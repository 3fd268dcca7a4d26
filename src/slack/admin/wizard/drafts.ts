import type { WizardDraft } from '../../../../views/admin/wizard/model.js';
import { stepShownBy } from '../../../../views/admin/wizard/navigation.js';
import { draftForStore, draftFromStore, draftIdOf } from '../../../../views/admin/wizard/store-codec.js';
import { readPackageDraft, savePackageDraft } from '../../../services/catalog/package-drafts.js';
import type { Actor } from '../../../services/context.js';
import type { SlackContext } from '../../context.js';

/** A wizard modal's draft, from the store. */
export interface ViewDraft {
  draftId: string;
  draft: WizardDraft;
}

export const STALE = 'This form is out of date. Start again with `/access package new`.';

/**
 * The draft a wizard modal belongs to (its private_metadata names it), on the step the modal
 * shows; null when the form is out of date: no draft id, or a draft that is gone, expired, of
 * another modal or someone else's (the store answers the actor's own only).
 */
export async function draftOfView(
  ctx: SlackContext,
  actor: Actor,
  view: { id: string; private_metadata?: string | undefined; blocks?: unknown },
): Promise<ViewDraft | null> {
  const draftId = draftIdOf(view.private_metadata);
  if (!draftId) return null;
  const stored = await readPackageDraft(ctx.engine, actor, { draftId, viewId: view.id });
  const draft = stored ? draftFromStore(stored.draft) : null;
  if (!draft) return null;
  const shown = stepShownBy(view);
  return { draftId, draft: shown ? { ...draft, step: shown } : draft };
}

/** Writes the draft back for the next step; false when it is no longer the actor's. */
export function keepDraft(
  ctx: SlackContext,
  actor: Actor,
  viewId: string,
  { draftId, draft }: ViewDraft,
): Promise<boolean> {
  return savePackageDraft(ctx.engine, actor, { draftId, viewId, draft: draftForStore(draft) });
}
