import { existsSync } from 'node:fs';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { ConfigError, readStoreConfig } from '../config.js';
import { type Database, openDatabase, queryRows } from '../db/client.js';
import { DataDirLockedError } from '../db/data-dir-lock.js';
import { type AuditRecord, auditRecords } from '../services/audit-export.js';
import { type AuditFormat, formatted } from './audit-formats.js';

/**
 * `npm run audit -- export [--since ISO] [--after-id N] [--format jsonl|csv]`: the audit log on
 * standard output, oldest first; one summary line on standard error (how many rows, the last id,
 * for the next `--after-id`). Reads the store only. Exit codes: 0 done, 1 the store can't be
 * read, 2 bad arguments.
 */

export const AUDIT_USAGE =
  'usage: npm run audit -- export [--since 2026-01-31T00:00:00Z] [--after-id N] [--format jsonl|csv]';

const ISO_DATE = z.iso.date();
const ISO_DATE_TIME = z.iso.datetime({ offset: true });

const argsSchema = z.object({
  since: z
    .string()
    .refine((text) => ISO_DATE.safeParse(text).success || ISO_DATE_TIME.safeParse(text).success, {
      message: 'must be an ISO date-time like 2026-01-31T00:00:00Z (or a date, 2026-01-31)',
    })
    .transform((text) => new Date(text))
    .optional(),
  'after-id': z.coerce.number().int().min(0, 'must be a whole number, 0 or more').optional(),
  format: z.enum(['jsonl', 'csv'], { error: 'must be jsonl or csv' }).default('jsonl'),
});

export type AuditArgs = z.infer<typeof argsSchema>;

/** `export --since X --format csv` → the parsed options, or the problems, one line each. */
export function parseAuditArgs(
  argv: readonly string[],
): { ok: true; args: AuditArgs } | { ok: false; problems: string[] } {
  const [verb, ...rest] = argv;
  if (verb !== 'export') return { ok: false, problems: [AUDIT_USAGE] };
  const options: Record<string, string> = {};
  const problems: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i]!;
    const name = flag.replace(/^--/, '');
    if (!flag.startsWith('--') || !(name in argsSchema.shape)) {
      problems.push(`unknown option ${flag}`);
      continue;
    }
    const value = rest[i + 1];
    if (value === undefined || value.startsWith('--')) {
      problems.push(`${flag} needs a value`);
      continue;
    }
    options[name] = value;
    i++;
  }
  const parsed = argsSchema.safeParse(options);
  if (!parsed.success) {
    problems.push(...parsed.error.issues.map((issue) => `--${issue.path.join('.')}: ${issue.message}`));
  }
  if (problems.length > 0 || !parsed.success) return { ok: false, problems: [...problems, AUDIT_USAGE] };
  return { ok: true, args: parsed.data };
}

export interface AuditIo {
  env: NodeJS.ProcessEnv;
  stdout: Writable;
  stderr: Writable;
}

export async function runAuditCli(argv: readonly string[], io: AuditIo): Promise<number> {
  const say = (line: string) => io.stderr.write(`audit: ${line}\n`);
  const parsed = parseAuditArgs(argv);
  if (!parsed.ok) {
    for (const problem of parsed.problems) say(problem);
    return 2;
  }
  let database: Database;
  try {
    database = await openStore(io.env);
  } catch (error) {
    say(storeProblem(error));
    return 1;
  }
  try {
    if (!(await hasAuditLog(database))) {
      say('this store has no audit log yet: start Gatehouse on it once (npm start), then export');
      return 1;
    }
    const { args } = parsed;
    let count = 0;
    let lastId: number | null = null;
    const counted = async function* (records: AsyncIterable<AuditRecord>) {
      for await (const record of records) {
        count += 1;
        lastId = record.id;
        yield record;
      }
    };
    const records = auditRecords(database.db, {
      ...(args.since ? { since: args.since } : {}),
      ...(args['after-id'] !== undefined ? { afterId: args['after-id'] } : {}),
    });
    await pipeline(Readable.from(formatted(counted(records), args.format as AuditFormat)), io.stdout, {
      end: false,
    });
    say(`exported ${count} rows${lastId === null ? '' : `; last id ${lastId} (next: --after-id ${lastId})`}`);
    return 0;
  } catch (error) {
    // The reader went away (`| head`): what was asked for is out; not a failure.
    if ((error as NodeJS.ErrnoException).code === 'EPIPE') return 0;
    say(`export failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await database.close();
  }
}

async function openStore(env: NodeJS.ProcessEnv): Promise<Database> {
  const store = readStoreConfig(env);
  if (!store.databaseUrl && store.dataDir !== 'memory' && !existsSync(store.dataDir)) {
    throw new Error(`no store at DATA_DIR ${store.dataDir}: set DATA_DIR to the app's, or DATABASE_URL`);
  }
  return openDatabase({ databaseUrl: store.databaseUrl, dataDir: store.dataDir, poolSize: 2 });
}

function storeProblem(error: unknown): string {
  if (error instanceof ConfigError) return error.problems.join('; ');
  if (error instanceof DataDirLockedError) {
    return `${error.message} The embedded store has one process at a time: stop Gatehouse to export, or run it on PostgreSQL.`;
  }
  return error instanceof Error ? error.message : String(error);
}

async function hasAuditLog(database: Database): Promise<boolean> {
  const rows = await queryRows<{ present: boolean }>(
    database.db,
    sql`select to_regclass('public.audit_log') is not null as present`,
  );
  return rows[0]?.present === true;
}
