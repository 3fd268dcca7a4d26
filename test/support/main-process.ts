import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** The repository's root, where `src/main.ts` is started from. */
export const repoRoot = join(import.meta.dirname, '../..');

/**
 * Starts `src/main.ts` as `npm start` would, with only PATH and `env` in its environment, and
 * waits for it to exit: its exit code and what it wrote to stderr. For start-up refusals; a child
 * still running after 20 s is killed (code null), so a start that does not refuse shows as such.
 */
export function runMain(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}
