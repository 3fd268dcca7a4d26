export const TEMPLATE_DATABASE = 'gatehouse_test_template';
export const testDatabasePrefix = 'gatehouse_test_';

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
