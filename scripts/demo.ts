import { pino } from 'pino';
import { z } from 'zod';
import { runDemo } from '../src/demo/tutorial.js';
import { createLogger } from '../src/logger.js';

/**
 * `npm run demo`: the entitlement-management tutorial played end to end in Slack, in one process
 * (src/demo/tutorial.ts). Exits 0 when every step did what the transcript shows, 1 naming the step
 * that broke. `npm run demo -- --logs info` also writes the app's JSON logs to standard error.
 */

const levels = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']);
const logsAt = process.argv.indexOf('--logs');
const logLevel = logsAt >= 0 ? levels.safeParse(process.argv[logsAt + 1]) : null;
if (logLevel && !logLevel.success) {
  process.stderr.write(`demo: --logs takes a level: ${levels.options.join(', ')}\n`);
  process.exit(2);
}

const result = await runDemo({
  write: (line) => process.stdout.write(`${line}\n`),
  sandbox: logLevel?.success
    ? { logger: createLogger(logLevel.data, { destination: pino.destination(2) }) }
    : {},
});
process.exit(result.ok ? 0 : 1);
