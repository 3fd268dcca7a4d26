import { holdsAnyRole } from '../src/services/authz.js';
import { helpView } from '../views/help.js';
import type { AccessCommand } from './types.js';

/** `/access help` — built from the registered commands, so it never drifts from them. */
export function helpCommand(all: () => readonly AccessCommand[]): AccessCommand {
  return {
    name: 'help',
    usage: 'help',
    summary: 'what I can do',
    audience: 'everyone',
    async run(call) {
      return helpFor(call.engine, call.userId, all());
    },
  };
}

export async function helpFor(
  engine: Parameters<typeof holdsAnyRole>[0],
  userId: string,
  commands: readonly AccessCommand[],
  unknown?: string,
) {
  const entry = (c: AccessCommand) => ({ usage: c.usage, summary: c.summary });
  const admin = (await holdsAnyRole(engine, userId))
    ? commands.filter((c) => c.audience === 'admin').map(entry)
    : [];
  return helpView({
    requestor: commands.filter((c) => c.audience === 'everyone').map(entry),
    admin,
    ...(unknown ? { unknown } : {}),
  });
}
