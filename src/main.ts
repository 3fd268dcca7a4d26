import { type Clock, OffsetClock, systemClock } from './clock.js';
import { ConfigError, readConfig } from './config.js';
import { DataDirLockedError } from './db/data-dir-lock.js';
import { startGatehouse } from './runtime.js';

/** `npm start`: read the configuration, start everything, stop it all on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const config = readConfig();
  const clock: Clock = config.testClock ? new OffsetClock() : systemClock;
  const gatehouse = await startGatehouse({ config, clock, wallClock: systemClock });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    gatehouse.log.info({ signal }, 'shutting down');
    void gatehouse.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  // Misconfiguration gets one plain line per problem, never a stack trace.
  if (error instanceof ConfigError) {
    for (const problem of error.problems) process.stderr.write(`gatehouse: ${problem}\n`);
  } else if (error instanceof DataDirLockedError) {
    process.stderr.write(`gatehouse: ${error.message}\n`);
  } else {
    process.stderr.write(
      `gatehouse: failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
  }
  process.exit(1);
});
