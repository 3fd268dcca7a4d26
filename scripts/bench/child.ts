import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const RESULT_PREFIX = 'RESULT ';

/**
 * Runs a bench module in a process of its own (same Node, same tsx loader) with one JSON
 * argument, and resolves with the JSON it printed on its RESULT line.
 */
export function runChild<T>(moduleUrl: URL, argument: unknown): Promise<T> {
  const file = fileURLToPath(moduleUrl);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, file, JSON.stringify(argument)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (code === 0 && line) {
        resolve(JSON.parse(line.slice(RESULT_PREFIX.length)) as T);
        return;
      }
      reject(new Error(`${file} exited with ${code}: ${stderr.trim().slice(-2000) || stdout.slice(-2000)}`));
    });
  });
}

export function printResult(value: unknown): void {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(value)}\n`);
}
