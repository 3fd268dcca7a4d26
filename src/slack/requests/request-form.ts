import type { ViewOutput } from '@slack/bolt';
import { z } from 'zod';
import { answerBlockId, REQUEST_FIELDS } from '../../../views/requests/request-modal.js';
import {
  type RequestModalMetadata,
  readMetadata,
  requestModalMetadataSchema,
} from '../../../views/requests/values.js';
import { maximumEnd } from '../../domain/expiry.js';
import type { PolicySettings } from '../../domain/policy.js';
import { type FormFields, inputBlockIds } from '../refusals.js';

/** The request modal's submission, as typed: zod-parsed from private_metadata and state. */
export interface RequestForm {
  metadata: RequestModalMetadata;
  policyId: number;
  justification: string | undefined;
  /** Question id → answer, for the answer blocks in the view. */
  answers: Record<string, string>;
  startDate: string | undefined;
  endDate: string | undefined;
}

const dateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)));

const stateValueSchema = z
  .object({
    value: z.string().nullish(),
    selected_date: z.string().nullish(),
    selected_option: z.object({ value: z.string() }).nullish(),
  })
  .passthrough();

const stateSchema = z.record(z.string(), z.record(z.string(), stateValueSchema));

/** Reads a submitted request modal; null when its metadata or state isn't what the app built. */
export function readRequestForm(view: Pick<ViewOutput, 'private_metadata' | 'state'>): RequestForm | null {
  const metadata = readMetadata(requestModalMetadataSchema, view.private_metadata);
  const state = stateSchema.safeParse(view.state?.values ?? {});
  if (!metadata || !state.success) return null;
  const field = (blockId: string) => {
    const block = state.data[blockId];
    return block ? Object.values(block)[0] : undefined;
  };
  const text = (blockId: string) => {
    const v = field(blockId);
    const raw = v?.value ?? v?.selected_option?.value ?? undefined;
    return raw === undefined || raw === null || raw.trim() === '' ? undefined : raw;
  };
  const date = (blockId: string) => {
    const raw = field(blockId)?.selected_date ?? undefined;
    if (raw === undefined || raw === null) return undefined;
    return dateSchema.safeParse(raw).success ? raw : null;
  };
  const picked = Number(field(REQUEST_FIELDS.policy)?.selected_option?.value ?? metadata.policyId);
  if (!metadata.policyIds.includes(picked)) return null;
  const startDate = date(REQUEST_FIELDS.startDate);
  const endDate = date(REQUEST_FIELDS.endDate);
  if (startDate === null || endDate === null) return null;
  const answers: Record<string, string> = {};
  for (const blockId of Object.keys(state.data)) {
    if (!blockId.startsWith('answer_')) continue;
    const value = text(blockId);
    if (value !== undefined) answers[blockId.slice('answer_'.length)] = value;
  }
  return {
    metadata,
    policyId: picked,
    justification: text(REQUEST_FIELDS.justification),
    answers,
    startDate,
    endDate,
  };
}

const DAY_MS = 86_400_000;

/**
 * Picked dates → instants (UTC, as the engine keeps them). A start of today means "now"; a
 * later start is that day's midnight. An end date is the end of that day, except on the last
 * day the policy allows, where it is the policy's maximum: the hint's "by 2026-02-04" holds.
 */
export function timelineOf(
  form: Pick<RequestForm, 'startDate' | 'endDate'>,
  settings: Pick<PolicySettings, 'expiry'>,
  now: Date,
): { startAt?: Date; endAt?: Date } {
  const today = now.toISOString().slice(0, 10);
  const startAt =
    form.startDate && form.startDate !== today ? new Date(`${form.startDate}T00:00:00.000Z`) : undefined;
  if (!form.endDate) return startAt ? { startAt } : {};
  let endAt = new Date(Date.parse(`${form.endDate}T00:00:00.000Z`) + DAY_MS);
  const latest = maximumEnd(settings.expiry, startAt ?? now);
  if (latest && latest.toISOString().slice(0, 10) === form.endDate && endAt.getTime() > latest.getTime()) {
    endAt = latest;
  }
  return { ...(startAt ? { startAt } : {}), endAt };
}

/**
 * Where the engine's refusals sit on the request form: each field it names (`justification`,
 * `startAt`, `endAt`, `answers.<question>`, a question id for answers) on its input block.
 */
export function requestFormFields(view: Pick<ViewOutput, 'blocks'>): FormFields {
  return { inputs: inputBlockIds(view), blockFor: blockForField };
}

function blockForField(key: string): string | null {
  if (key === 'justification') return REQUEST_FIELDS.justification;
  if (key === 'startAt') return REQUEST_FIELDS.startDate;
  if (key === 'endAt') return REQUEST_FIELDS.endDate;
  if (key.startsWith('answers.')) return answerBlockId(key.slice('answers.'.length));
  // policy.answer_invalid names the questions by their ids.
  return /^[\w-]{1,64}$/.test(key) ? answerBlockId(key) : null;
}
