import { runAuditCli } from '../src/cli/audit.js';

/** `npm run audit -- export …`: src/cli/audit.ts. */
process.exitCode = await runAuditCli(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
});
