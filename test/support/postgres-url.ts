/**
 * Names of this run's PostgreSQL test databases. A run id set by the global setup (and inherited
 * by the workers) keeps two runs on one server — two developers, or CI beside a developer — from
 * dropping each other's databases.
 */
export const testDatabasePrefix = 'gatehouse_test_';

export function runId(): string {
  const id = process.env.GATEHOUSE_TEST_RUN;
  if (!id)
    throw new Error('GATEHOUSE_TEST_RUN is not set: run the tests through vitest (its global setup sets it)');
  return id;
}

export function templateDatabase(): string {
  return `${testDatabasePrefix}${runId()}_template`;
}

export function runDatabasePrefix(): string {
  return `${testDatabasePrefix}${runId()}_`;
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
