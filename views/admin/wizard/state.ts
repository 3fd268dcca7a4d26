import { z } from 'zod';

/**
 * `view.state.values` as Slack sends it: `{ block_id: { action_id: value } }`. Each reader takes
 * a field by its block_id and parses it with zod: anything that is not what the element sends
 * reads as empty, never as a crash.
 */
export type StateValues = Record<string, Record<string, unknown>>;

const optionSchema = z.object({ value: z.string() });
const valueSchema = z
  .object({
    value: z.string().nullish(),
    selected_option: optionSchema.nullish(),
    selected_options: z.array(optionSchema).nullish(),
    selected_users: z.array(z.string()).nullish(),
    selected_conversations: z.array(z.string()).nullish(),
    selected_date: z.string().nullish(),
  })
  .loose();
type Value = z.infer<typeof valueSchema>;

export const stateValuesSchema = z.record(z.string(), z.record(z.string(), z.unknown()));

function field(values: StateValues, blockId: string): Value {
  const actions = values[blockId];
  const first = actions ? Object.values(actions)[0] : undefined;
  const parsed = valueSchema.safeParse(first ?? {});
  return parsed.success ? parsed.data : {};
}

/** Typed text, trimmed; '' when empty. */
export function textOf(values: StateValues, blockId: string): string {
  return (field(values, blockId).value ?? '').trim();
}

/** A number_input or text meant as a whole number; null when empty or not a number. */
export function wholeNumberOf(values: StateValues, blockId: string): number | null | 'invalid' {
  const text = textOf(values, blockId);
  if (text === '') return null;
  if (!/^\d{1,6}$/.test(text)) return 'invalid';
  return Number(text);
}

export function optionOf(values: StateValues, blockId: string): string | null {
  return field(values, blockId).selected_option?.value ?? null;
}

export function optionsOf(values: StateValues, blockId: string): string[] {
  return (field(values, blockId).selected_options ?? []).map((o) => o.value);
}

export function usersOf(values: StateValues, blockId: string): string[] {
  return [...new Set(field(values, blockId).selected_users ?? [])];
}

export function conversationsOf(values: StateValues, blockId: string): string[] {
  return [...new Set(field(values, blockId).selected_conversations ?? [])];
}

export function dateOf(values: StateValues, blockId: string): string | null {
  const date = field(values, blockId).selected_date ?? null;
  return date && /^\d{4}-\d{2}-\d{2}$/.test(date) ? date : null;
}

/** A checkbox group with one box: ticked or not. */
export function checkedOf(values: StateValues, blockId: string): boolean {
  return optionsOf(values, blockId).length > 0;
}

/** Whether the submission carries this step at all (a click from a stale view may not). */
export function hasField(values: StateValues, blockId: string): boolean {
  return values[blockId] !== undefined;
}

export type FieldErrors = Record<string, string>;

/** A step's reading: the updated draft, or errors keyed by input block_id. */
export type StepReading<T> = { ok: true; draft: T } | { ok: false; errors: FieldErrors };
