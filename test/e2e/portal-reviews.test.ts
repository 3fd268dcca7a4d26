import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WOODGROVE } from '../../src/sandbox/seeds.js';
import { assignDirect } from '../../src/services/requests/assignments.js';
import { reviewDetails } from '../../src/services/reviews/review-queries.js';
import { startReview } from '../../src/services/reviews/start-review.js';
import { ACTION, CALLBACK } from '../../views/ids.js';
import { databaseLabel } from '../support/db.js';
import { type Sandbox, startSandbox } from '../support/sandbox.js';
import {
  blocksOf,
  knownPerson,
  newGroup,
  newPackage,
  newPerson,
  openHome,
  textOf,
} from './portal-support.js';

const ADMIN = { userId: WOODGROVE.admin };
const REVIEWER = WOODGROVE.approver;

describe(`access reviews in Slack: the review DM, /access reviews, the Home tab (${databaseLabel})`, () => {
  let s: Sandbox;
  beforeAll(async () => {
    s = await startSandbox();
    await knownPerson(s, WOODGROVE.admin);
    await knownPerson(s, REVIEWER);
    await knownPerson(s, WOODGROVE.guest);
  });
  afterAll(() => s.close());

  /** Two people hold a fresh package; the approver reviews them. */
  async function runningReview() {
    const [ann, bob] = [await newPerson(s, `ann-${Date.now()}`), await newPerson(s, `bob-${Date.now()}`)];
    const pkg = await newPackage(s, newGroup(s));
    const a = await assignDirect(s.gatehouse.deps, ADMIN, { userId: ann, packageId: pkg.id });
    const b = await assignDirect(s.gatehouse.deps, ADMIN, { userId: bob, packageId: pkg.id });
    const review = await startReview(s.gatehouse.deps, ADMIN, {
      packageId: pkg.id,
      reviewerMode: 'specific',
      reviewerIds: [REVIEWER],
    });
    await s.idle();
    return {
      pkg,
      review,
      ann: { userId: ann, assignmentId: a.assignmentId! },
      bob: { userId: bob, assignmentId: b.assignmentId! },
    };
  }

  /**
   * The review DM the app sent the reviewer when the review started: the notifier rendered the
   * review_requested outbox row and posted it; its Keep / Remove blocks are this review's.
   */
  function reviewDm(reviewId: number): string {
    const sent = s.fake
      .messagesTo(REVIEWER)
      .filter((m) => blocksOf(m).some((b) => b.block_id?.startsWith(`review_${reviewId}_`)));
    expect(sent, 'the app sent the reviewer one DM for this review').toHaveLength(1);
    return sent[0]!.ts;
  }

  const dm = (ts: string) => s.fake.messagesTo(REVIEWER).find((m) => m.ts === ts)!;
  const decisionOf = async (reviewId: number, assignmentId: number) =>
    (await reviewDetails(s.gatehouse.deps, ADMIN, { reviewId })).items.find(
      (i) => i.assignmentId === assignmentId,
    )!;

  it('the DM lists each person with Keep / Remove; Keep decides at once and the DM shows it', async () => {
    const r = await runningReview();
    const ts = reviewDm(r.review.id);
    const annBlock = `review_${r.review.id}_${r.ann.assignmentId}`;
    expect(blocksOf(dm(ts)).find((b) => b.block_id === annBlock)!.elements).toMatchObject([
      { action_id: ACTION.reviewKeep, value: `${r.review.id}:${r.ann.assignmentId}` },
      { action_id: ACTION.reviewRemove, value: `${r.review.id}:${r.ann.assignmentId}` },
    ]);
    expect(dm(ts).text).toContain(
      `please review access to ${r.pkg.name}: 2 people to review, 2 not decided yet`,
    );

    await s.click({ userId: REVIEWER, messageTs: ts, blockId: annBlock, actionId: ACTION.reviewKeep });

    expect(await decisionOf(r.review.id, r.ann.assignmentId)).toMatchObject({
      decision: 'keep',
      decidedBy: REVIEWER,
    });
    expect(dm(ts).updates).toHaveLength(1);
    expect(textOf(dm(ts))).toContain(`<@${r.ann.userId}>`);
    expect(textOf(dm(ts))).toContain(':white_check_mark: keep by you');
    expect(dm(ts).text).toContain('2 people to review, 1 not decided yet');
  });

  it('Remove asks for a required reason in a modal; the decision then shows in the DM', async () => {
    const r = await runningReview();
    const ts = reviewDm(r.review.id);
    const bobBlock = `review_${r.review.id}_${r.bob.assignmentId}`;
    await s.click({ userId: REVIEWER, messageTs: ts, blockId: bobBlock, actionId: ACTION.reviewRemove });
    const modal = s.fake.openModal(REVIEWER);
    expect(modal?.callback_id).toBe(CALLBACK.reviewReason);
    expect(textOf(modal)).toContain(`Remove <@${r.bob.userId}>`);

    const empty = await s.submit({ userId: REVIEWER, answers: { reason: '' } });
    expect(empty.ack).toMatchObject({
      response_action: 'errors',
      errors: { reason: expect.stringContaining('Give a reason to remove') },
    });
    expect(await decisionOf(r.review.id, r.bob.assignmentId)).toMatchObject({ decision: null });

    const done = await s.submit({ userId: REVIEWER, answers: { reason: 'Left the <!channel> team' } });
    expect(done.ack).toBeNull();
    expect(s.fake.openModal(REVIEWER)).toBeUndefined();
    expect(await decisionOf(r.review.id, r.bob.assignmentId)).toMatchObject({
      decision: 'remove',
      reason: 'Left the <!channel> team',
      decidedBy: REVIEWER,
    });
    expect(textOf(dm(ts))).toContain(':x: remove by you — _Left the &lt;!channel&gt; team_');
    expect(textOf(dm(ts))).not.toContain('<!channel>');
  });

  it('someone who is not a reviewer gets the engine’s refusal, ephemeral; nothing changes', async () => {
    const r = await runningReview();
    const ts = reviewDm(r.review.id);
    const before = s.fake.responses().length;
    await s.click({
      userId: WOODGROVE.guest,
      messageTs: ts,
      blockId: `review_${r.review.id}_${r.ann.assignmentId}`,
      actionId: ACTION.reviewKeep,
    });
    const answers = s.fake.responses().slice(before);
    expect(answers).toHaveLength(1);
    expect(answers[0]!.body).toMatchObject({
      response_type: 'ephemeral',
      replace_original: false,
      text: `:no_entry: You aren't a reviewer of ${r.pkg.name}'s access review. Ask <@${REVIEWER}> to decide.`,
    });
    expect(await decisionOf(r.review.id, r.ann.assignmentId)).toMatchObject({ decision: null });
  });

  it('/access reviews and the Home tab list what waits, and Keep works from the Home tab', async () => {
    const r = await runningReview();
    const { replies } = await s.command(REVIEWER, 'reviews');
    expect(textOf(replies[0])).toContain(`*${r.pkg.name}* — 2 of 2 not decided`);
    expect(
      blocksOf(replies[0]).some((b) => b.block_id === `review_${r.review.id}_${r.bob.assignmentId}`),
    ).toBe(true);

    // Earlier tests left reviews waiting on the same reviewer: this one's people are on a later page.
    let home = await openHome(s, REVIEWER);
    const blockId = `review_${r.review.id}_${r.bob.assignmentId}`;
    expect(blocksOf(home).find((b) => b.block_id === blockId)).toBeUndefined();
    const more = blocksOf(home).find((b) => b.block_id === 'more_reviews')!;
    expect(more.text!.text).toBe('Showing 1–6 of 8 people to review.');
    await s.click({ userId: REVIEWER, viewId: home.id, blockId: 'more_reviews', actionId: ACTION.homePage });
    home = s.fake.homeView(REVIEWER)!;
    expect(blocksOf(home).find((b) => b.block_id === 'more_reviews')!.text!.text).toBe(
      'Showing 7–8 of 8 people to review.',
    );
    expect(blocksOf(home).find((b) => b.block_id === blockId)).toBeDefined();
    await s.click({ userId: REVIEWER, viewId: home.id, blockId, actionId: ACTION.reviewKeep });
    expect(await decisionOf(r.review.id, r.bob.assignmentId)).toMatchObject({ decision: 'keep' });
    expect(blocksOf(s.fake.homeView(REVIEWER)).find((b) => b.block_id === 'notice')!.text!.text).toBe(
      `:white_check_mark: Saved: keep <@${r.bob.userId}>'s access to ${r.pkg.name}.`,
    );
    // The answer keeps the person on the page they were looking at.
    expect(blocksOf(s.fake.homeView(REVIEWER)).find((b) => b.block_id === blockId)).toBeDefined();
  });
});
