import { cpus, loadavg, totalmem } from 'node:os';

/** Writes a line to stdout (the scripts print tables; the project forbids console). */
export function say(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** Progress notes go to stderr, so stdout holds only the report. */
export function note(line: string): void {
  process.stderr.write(`  … ${line}\n`);
}

/** A plain-text table with aligned columns (numbers right-aligned). */
export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((row) => row.map(String))];
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? '').length)));
  const numeric = headers.map((_, column) =>
    rows.every((row) => typeof row[column] === 'number' || /^[\d.,x×%<>≤ -]+$/.test(String(row[column]))),
  );
  const line = (row: string[]) =>
    row
      .map((cell, column) =>
        numeric[column] ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!),
      )
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(cells[0]!), rule, ...cells.slice(1).map(line)].join('\n');
}

export function fixed(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '-';
}

/** The machine line every report starts with. */
export function machineLine(): string {
  const list = cpus();
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  return `machine: ${list.length} cores (${list[0]?.model.trim() ?? 'unknown cpu'}), ${Math.round(
    totalmem() / 1024 ** 3,
  )} GB RAM, Node ${process.version}, ${process.platform}-${process.arch}; load average ${load}`;
}

export function loadLine(): string {
  return `load average now: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} (1, 5, 15 min)`;
}

/** p in [0, 100] of a list of numbers (nearest rank). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}
