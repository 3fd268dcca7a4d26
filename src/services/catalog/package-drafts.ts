import { and, eq, gt, inArray, isNull, lte, or } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { packageDrafts } from '../../db/schema.js';
import type { Actor, EngineDeps } from '../context.js';
import { inTransaction } from '../tx.js';
import { parseInput } from '../validate.js';

/**
 * The package wizard's drafts, kept in the store between its steps (a modal's private_metadata
 * holds 3000 characters; a draft naming a hundred people does not fit there). The modal carries
 * the draft's id only. A draft is its owner's: read or written for anyone else, for another
 * modal or after it expired, it is not there — the wizard then says the form is out of date.
 * The draft itself is opaque here (JSON the wizard parses); applying it is applyPackageDraft.
 */

/** A draft nobody has touched for a day expires; the job deletes it. */
export const PACKAGE_DRAFT_TTL_MS = 24 * 60 * 60 * 1000;

/** A full wizard draft is a few tens of kB; far more is not one. */
const MAX_DRAFT_CHARS = 250_000;

const draftIdSchema = z.uuid();
const viewIdSchema = z.string().trim().min(1).max(255);
const draftSchema = z
  .record(z.string(), z.unknown())
  .refine((draft) => JSON.stringify(draft).length <= MAX_DRAFT_CHARS, 'the draft is too large');

const createInput = z.object({ draft: draftSchema, viewId: viewIdSchema.optional() });
const viewInput = z.object({ draftId: draftIdSchema, viewId: viewIdSchema });
const saveInput = z.object({ draftId: draftIdSchema, viewId: viewIdSchema, draft: draftSchema });

export interface StoredPackageDraft {
  draftId: string;
  /** As the wizard wrote it; the wizard parses it back. */
  draft: Record<string, unknown>;
  expiresAt: Date;
}

const expiry = (now: Date) => new Date(now.getTime() + PACKAGE_DRAFT_TTL_MS);

/** The draft row the actor may use now: theirs, not expired, of this modal (or of none yet). */
function usable(actor: Actor, draftId: string, now: Date, viewId?: string) {
  return and(
    eq(packageDrafts.id, draftId),
    eq(packageDrafts.ownerUserId, actor.userId),
    gt(packageDrafts.expiresAt, now),
    viewId === undefined ? undefined : or(isNull(packageDrafts.viewId), eq(packageDrafts.viewId, viewId)),
  );
}

/** A new draft of the actor's; `viewId` when the modal is open already. */
export async function createPackageDraft(
  deps: EngineDeps,
  actor: Actor,
  input: unknown,
): Promise<{ draftId: string; expiresAt: Date }> {
  const { draft, viewId } = parseInput(createInput, input);
  return inTransaction(deps, async (tx, now) => {
    const [row] = await tx
      .insert(packageDrafts)
      .values({
        ownerUserId: actor.userId,
        viewId: viewId ?? null,
        draft,
        createdAt: now,
        updatedAt: now,
        expiresAt: expiry(now),
      })
      .returning({ id: packageDrafts.id, expiresAt: packageDrafts.expiresAt });
    return { draftId: row!.id, expiresAt: row!.expiresAt };
  });
}

/**
 * Ties a draft to the modal Slack opened for it (its view id), once: from then on only that
 * modal reads and writes it. False when the draft is not the actor's to use.
 */
export async function attachPackageDraftView(
  deps: EngineDeps,
  actor: Actor,
  input: unknown,
): Promise<boolean> {
  const { draftId, viewId } = parseInput(viewInput, input);
  return inTransaction(deps, async (tx, now) => {
    const rows = await tx
      .update(packageDrafts)
      .set({ viewId })
      .where(usable(actor, draftId, now, viewId))
      .returning({ id: packageDrafts.id });
    return rows.length > 0;
  });
}

/**
 * The actor's draft for this modal; null when it is gone, expired, someone else's or another
 * modal's. A draft not yet tied to a modal is tied to this one.
 */
export async function readPackageDraft(
  deps: EngineDeps,
  actor: Actor,
  input: unknown,
): Promise<StoredPackageDraft | null> {
  const { draftId, viewId } = parseInput(viewInput, input);
  return inTransaction(deps, async (tx, now) => {
    const [row] = await tx
      .select({
        draft: packageDrafts.draft,
        viewId: packageDrafts.viewId,
        expiresAt: packageDrafts.expiresAt,
      })
      .from(packageDrafts)
      .where(usable(actor, draftId, now, viewId));
    if (!row) return null;
    if (row.viewId === null) {
      await tx.update(packageDrafts).set({ viewId }).where(eq(packageDrafts.id, draftId));
    }
    return { draftId, draft: row.draft, expiresAt: row.expiresAt };
  });
}

/** Replaces the actor's draft (another day before it expires); false when it is not theirs to use. */
export async function savePackageDraft(deps: EngineDeps, actor: Actor, input: unknown): Promise<boolean> {
  const { draftId, viewId, draft } = parseInput(saveInput, input);
  return inTransaction(deps, async (tx, now) => {
    const rows = await tx
      .update(packageDrafts)
      .set({ draft, viewId, updatedAt: now, expiresAt: expiry(now) })
      .where(usable(actor, draftId, now, viewId))
      .returning({ id: packageDrafts.id });
    return rows.length > 0;
  });
}

/**
 * In the caller's transaction: locks the actor's draft for applying it (a second Create of the
 * same draft waits, then finds it gone). False when it is not theirs to apply.
 */
export async function lockPackageDraft(tx: Db, actor: Actor, draftId: string, now: Date): Promise<boolean> {
  const [row] = await tx
    .select({ id: packageDrafts.id })
    .from(packageDrafts)
    .where(usable(actor, parseInput(draftIdSchema, draftId), now))
    .for('update');
  return row !== undefined;
}

/** In the caller's transaction: the draft is used up (applied). */
export async function deletePackageDraft(tx: Db, draftId: string): Promise<void> {
  await tx.delete(packageDrafts).where(eq(packageDrafts.id, draftId));
}

/**
 * The job: deletes expired drafts, a batch per transaction. Rows are claimed with SKIP LOCKED,
 * so replicas share the work and a draft being applied right now is left alone.
 */
export async function deleteExpiredPackageDrafts(
  deps: EngineDeps,
  options: { batchSize?: number } = {},
): Promise<{ claimed: number; deleted: number }> {
  const batchSize = options.batchSize ?? deps.batchSize ?? 500;
  let deleted = 0;
  for (;;) {
    const rows = await inTransaction(deps, async (tx, now) => {
      const expired = tx
        .select({ id: packageDrafts.id })
        .from(packageDrafts)
        .where(lte(packageDrafts.expiresAt, now))
        .orderBy(packageDrafts.expiresAt)
        .limit(batchSize)
        .for('update', { skipLocked: true });
      return tx
        .delete(packageDrafts)
        .where(inArray(packageDrafts.id, expired))
        .returning({ id: packageDrafts.id });
    });
    deleted += rows.length;
    if (rows.length < batchSize) return { claimed: deleted, deleted };
  }
}
