import { readFileSync } from 'node:fs';

/** The installed version of a dependency, read from its package.json under node_modules. */
export function installedVersion(name: string): string {
  try {
    const file = new URL(`../../node_modules/${name}/package.json`, import.meta.url);
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
