import { describe, expect, it } from 'vitest';
import { engineJobs } from '../../src/jobs/engine-jobs.js';
import type { EngineDeps } from '../../src/services/context.js';

const deps = {} as EngineDeps;
const reader = { members: async () => [] };

describe('the engine’s job list', () => {
  it('runs reconciliation and the LDAP sync only when configured, before delivery, each at its own interval', () => {
    expect(engineJobs(deps).map((j) => j.name)).not.toContain('ldap-sync');
    const jobs = engineJobs(deps, undefined, { reader, everyMs: 3_600_000 }, { reader, everyMs: 1_800_000 });
    const names = jobs.map((j) => j.name);
    expect(names.slice(-3)).toEqual(['reconcile', 'ldap-sync', 'delivery']);
    expect(jobs.find((j) => j.name === 'ldap-sync')!.minIntervalMs).toBe(1_800_000);
  });
});
