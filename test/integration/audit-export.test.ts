import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAuditArgs, runAuditCli } from '../../src/cli/audit.js';
import { AUDIT_FIELDS, CSV_HEADER, csvLine, jsonLine } from '../../src/cli/audit-formats.js';
import { type Database, openDatabase, queryRows } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrate.js';
import { type AuditRecord, auditRecords } from '../../src/services/audit-export.js';
import { createTestDatabase, databaseLabel, onPostgres, testDatabaseUrl } from '../support/db.js';

const ROWS = 2_345;
const START = Date.parse('2026-03-01T00:00:00Z');
const MINUTE = 60_000;

/** ROWS audit rows a minute apart, every tenth about a request; one with text that needs quoting. */
async function fillAuditLog(database: Database): Promise<void> {
  await database.db.execute(sql`insert into audit_log (at, actor_id, action, request_id, subject_user_id, data)
    select ${new Date(START)}::timestamptz + (n * interval '1 minute'), 'U0ADMIN01', 'request.submitted',
           case when n % 10 = 0 then n end, 'U0PERSON' || n,
           jsonb_build_object('n', n)
      from generate_series(1, ${ROWS}) as n`);
  await database.db.execute(sql`insert into audit_log (at, actor_id, action, data)
    values (${new Date(START + (ROWS + 1) * MINUTE)}, 'U0ADMIN01', 'package.created',
            ${JSON.stringify({ name: 'Pay, "Payroll"\nand more' })}::jsonb)`);
}

async function collect(records: AsyncIterable<AuditRecord>): Promise<AuditRecord[]> {
  const out: AuditRecord[] = [];
  for await (const record of records) out.push(record);
  return out;
}

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

describe(`audit export (${databaseLabel})`, () => {
  let database: Database;
  let total: number;
  beforeAll(async () => {
    database = await createTestDatabase();
    await fillAuditLog(database);
    const [row] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from audit_log`);
    total = row!.n;
  });
  afterAll(() => database?.close());

  it('reads every row once, oldest first, a page at a time', async () => {
    const records = await collect(auditRecords(database.db, { pageSize: 100 }));
    expect(records).toHaveLength(total);
    const ids = records.map((r) => r.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(total);
    const last = records.at(-1)!;
    expect(last).toMatchObject({ action: 'package.created', data: { name: 'Pay, "Payroll"\nand more' } });
    expect(last.at.toISOString()).toBe(new Date(START + (ROWS + 1) * MINUTE).toISOString());
  });

  it('includes rows written while it runs: each page starts after the last id it gave', async () => {
    const reading = auditRecords(database.db, { pageSize: 50 });
    const seen: AuditRecord[] = [];
    for await (const record of reading) {
      seen.push(record);
      if (seen.length === 75) {
        await database.db.execute(
          sql`insert into audit_log (at, actor_id, action) values (now(), 'U0ADMIN01', 'late.row')`,
        );
      }
    }
    expect(seen).toHaveLength(total + 1);
    expect(seen.at(-1)!.action).toBe('late.row');
    total += 1;
  });

  it('--since and --after-id narrow it; the last id of one export resumes the next exactly', async () => {
    const since = new Date(START + 2_000 * MINUTE);
    const recent = await collect(auditRecords(database.db, { since }));
    expect(recent.every((r) => r.at >= since)).toBe(true);
    expect(recent.filter((r) => r.action === 'request.submitted')).toHaveLength(ROWS - 2_000 + 1);

    const all = await collect(auditRecords(database.db));
    const cut = all[1_000]!.id;
    const rest = await collect(auditRecords(database.db, { afterId: cut }));
    expect(rest.map((r) => r.id)).toEqual(all.slice(1_001).map((r) => r.id));
  });

  it('CSV quotes what needs quoting and reads back; JSON lines carry the fields in order', async () => {
    const all = await collect(auditRecords(database.db));
    const quoted = all.find((r) => r.action === 'package.created')!;
    const line = csvLine(quoted);
    expect(line.endsWith('\r\n')).toBe(true);
    expect(parseCsvLine(line.slice(0, -2))).toEqual([
      String(quoted.id),
      quoted.at.toISOString(),
      'U0ADMIN01',
      'package.created',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      JSON.stringify({ name: 'Pay, "Payroll"\nand more' }),
    ]);
    expect(CSV_HEADER).toBe(`${AUDIT_FIELDS.join(',')}\r\n`);

    const aboutRequest = all.find((r) => r.requestId !== null)!;
    const json = JSON.parse(jsonLine(aboutRequest)) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual([...AUDIT_FIELDS]);
    expect(json).toMatchObject({
      request_id: aboutRequest.requestId,
      request_ref: `R-${aboutRequest.requestId}`,
      subject_user_id: aboutRequest.subjectUserId,
      data: aboutRequest.data,
    });
  });

  it.runIf(onPostgres)(
    'npm run audit -- export: JSON lines on stdout, a summary naming the last id',
    async () => {
      const stdout = new Capture();
      const stderr = new Capture();
      const code = await runAuditCli(['export', '--since', '2026-03-02'], {
        env: { DATABASE_URL: testDatabaseUrl(database) },
        stdout,
        stderr,
      });
      expect(code).toBe(0);
      const lines = stdout.text.trimEnd().split('\n');
      const rows = lines.map((l) => JSON.parse(l) as { id: number; at: string });
      expect(rows.every((r) => r.at >= '2026-03-02')).toBe(true);
      expect(stderr.text).toBe(
        `audit: exported ${rows.length} rows; last id ${rows.at(-1)!.id} (next: --after-id ${rows.at(-1)!.id})\n`,
      );
    },
  );
});

describe('audit export on an embedded DATA_DIR', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-audit-'));
    const database = await openDatabase({ dataDir: dir });
    await migrate(database);
    await fillAuditLog(database);
    await database.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exports CSV from a stopped app’s store', async () => {
    const stdout = new Capture();
    const stderr = new Capture();
    const code = await runAuditCli(['export', '--format', 'csv', '--after-id', '2000'], {
      env: { DATA_DIR: dir },
      stdout,
      stderr,
    });
    expect(code).toBe(0);
    const lines = stdout.text.split('\r\n');
    expect(lines[0]).toBe(AUDIT_FIELDS.join(','));
    expect(lines[1]!.startsWith('2001,')).toBe(true);
    expect(stderr.text).toMatch(/^audit: exported \d+ rows; last id \d+/);
  });

  it('while the app holds the store: one line saying to stop it or use PostgreSQL, exit 1', async () => {
    const running = await openDatabase({ dataDir: dir });
    try {
      const stdout = new Capture();
      const stderr = new Capture();
      const code = await runAuditCli(['export'], { env: { DATA_DIR: dir }, stdout, stderr });
      expect(code).toBe(1);
      expect(stdout.text).toBe('');
      expect(stderr.text.trimEnd().split('\n')).toHaveLength(1);
      expect(stderr.text).toContain('stop Gatehouse to export, or run it on PostgreSQL');
    } finally {
      await running.close();
    }
  });

  it('a DATA_DIR that does not exist is named, not created', async () => {
    const stderr = new Capture();
    const missing = join(dir, 'nope');
    const code = await runAuditCli(['export'], { env: { DATA_DIR: missing }, stdout: new Capture(), stderr });
    expect(code).toBe(1);
    expect(stderr.text).toBe(
      `audit: no store at DATA_DIR ${missing}: set DATA_DIR to the app's, or DATABASE_URL\n`,
    );
  });
});

describe('audit export arguments', () => {
  it.each([
    [
      ['export', '--since', 'yesterday'],
      '--since: must be an ISO date-time like 2026-01-31T00:00:00Z (or a date, 2026-01-31)',
    ],
    [['export', '--format', 'xml'], '--format: must be jsonl or csv'],
    [['export', '--after-id', '-3'], '--after-id: must be a whole number, 0 or more'],
    [['export', '--until', 'x'], 'unknown option --until'],
    [['export', '--since'], '--since needs a value'],
  ])('%j is refused: %s', (argv, problem) => {
    const parsed = parseAuditArgs(argv);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? [] : parsed.problems).toContain(problem);
  });

  it('anything but export gets the usage, exit 2', async () => {
    const stderr = new Capture();
    expect(await runAuditCli(['dump'], { env: {}, stdout: new Capture(), stderr })).toBe(2);
    expect(stderr.text).toContain('usage: npm run audit -- export');
  });
});

/** RFC 4180 fields of one record (test helper: quotes, doubled quotes, line breaks inside quotes). */
function parseCsvLine(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        if (line[i] === '"' && line[i + 1] === '"') {
          value += '"';
          i += 2;
        } else if (line[i] === '"') {
          i++;
          break;
        } else value += line[i++];
      }
      fields.push(value);
      i++;
    } else {
      const end = line.indexOf(',', i);
      const stop = end === -1 ? line.length : end;
      fields.push(line.slice(i, stop));
      i = stop + 1;
    }
  }
  return fields;
}
