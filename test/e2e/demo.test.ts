import { describe, expect, it } from 'vitest';
import { type DemoResult, runDemo } from '../../src/demo/tutorial.js';
import type { GatehouseSandbox } from '../../src/sandbox/gatehouse-sandbox.js';
import { createTestDatabaseUrl, databaseLabel } from '../support/db.js';
import { expectToContainAll } from '../support/views.js';

const STEPS = [
  '━━ Step 1 — Set up users and group',
  '━━ Step 2 — Create an access package',
  '━━ Step 3 — Request access',
  '━━ Step 4 — Validate that access has been assigned',
  '━━ Beyond the tutorial — A package that needs approval',
  '━━ Beyond the tutorial — 31 days later',
  '━━ Step 5 — Clean up resources',
  '━━ Operating it',
];

/** `npm run demo`'s main function, on this run's database (PGlite, or a PostgreSQL database of its own). */
async function demo(
  onStart?: (s: GatehouseSandbox) => void,
): Promise<{ result: DemoResult; written: string[] }> {
  const database = await createTestDatabaseUrl();
  const written: string[] = [];
  try {
    const result = await runDemo({
      write: (line) => written.push(line),
      sandbox: database ? { databaseUrl: database.url } : {},
      ...(onStart ? { onStart } : {}),
    });
    return { result, written };
  } finally {
    await database?.drop();
  }
}

/** The lines between a step's header and the next one. */
function section(lines: string[], header: string): string {
  const start = lines.indexOf(header);
  const end = lines.findIndex((line, i) => i > start && line.startsWith('━━ '));
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

describe(`npm run demo (${databaseLabel})`, () => {
  it('plays the tutorial to the end, showing what each person sees and the group after each step', async () => {
    const { result, written } = await demo();
    expect(result.error).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(result.lines).toEqual(written);
    expect(written.at(-1)).toMatch(/^✓ The tutorial played end to end in [\d.]+ s\.$/);
    expect(result.seconds).toBeLessThan(60);
    const headers = written.filter((line) => line.startsWith('━━ '));
    expect(headers).toEqual(STEPS);

    const wizard = section(written, STEPS[1]!);
    expectToContainAll(wizard, [
      '«New access package»',
      'Name: Marketing Campaign',
      'Slack user groups: @marketing-resources',
      'Specific people: @Requestor1',
      'Number of days: 30',
      'Marketing Campaign was created in General',
    ]);

    const request = section(written, STEPS[2]!);
    expectToContainAll(request, [
      '«Request access»',
      "Business justification: I'm working on the new marketing campaign",
      'You now have access to Marketing Campaign',
      '# My access',
      '◆ User group @marketing-resources ("Marketing resources"): Requestor1',
    ]);

    expect(section(written, STEPS[3]!)).toContain('R-1001 · @Requestor1 · Initial policy · Delivered');

    const approval = section(written, STEPS[4]!);
    expectToContainAll(approval, [
      'Stage 1 approvers: @Approver1',
      '[Approve] [Deny]',
      '▸ Approver1: clicks [Approve] on the card',
      '(Approved by @Approver1 at',
      '◆ Channel #marketing-campaign: Admin1, Requestor1',
    ]);

    const later = section(written, STEPS[5]!);
    expect(later.match(/Your access to Marketing Campaign ends/g)).toHaveLength(2);
    expect(later).toContain('Your access to Marketing Campaign has expired.');
    expect(later).toContain('Your access to Campaign Budget has expired.');
    expect(later).toContain(
      '◆ User group @marketing-resources ("Marketing resources"): no members (disabled',
    );

    const cleanUp = section(written, STEPS[6]!);
    expect(cleanUp).toContain('@Requestor1 no longer has Marketing Campaign');
    expect(cleanUp).toContain('Removed Marketing resources — Member');
    expect(cleanUp).toContain('Marketing Campaign was deleted.');

    expect(section(written, STEPS[7]!)).toMatch(/Slack requests: \d+ ok, 0 refused, 0 errors/);
  }, 120_000);

  it('stops at the step that broke and says so when something does not happen as shown', async () => {
    // Slack refuses every membership change: Requestor1 never gets into the group.
    const { result, written } = await demo((s) =>
      s.fake.failNext('usergroups.users.update', { error: 'invalid_users' }, 100),
    );
    expect(result.ok).toBe(false);
    expect(result.failedStep).toBe('Step 3 — Request access');
    expect(written.at(-1)).toMatch(/^✗ Step 3 — Request access broke: expected /);
    expect(written.some((line) => line.startsWith('✓'))).toBe(false);
    expect(written).not.toContain(STEPS[3]);
  }, 120_000);
});
