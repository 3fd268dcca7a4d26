import { expect } from 'vitest';
import type { AccessPackage, Policy } from '../../src/db/schema.js';
import { type PolicySettingsInput, policySettingsSchema } from '../../src/domain/policy.js';

/** Helpers of the view tests: rows as the store hands them to views/, and readers of what views built. */

const STORED_AT = new Date('2026-02-04T10:00:00Z');

/** A policy row as the store returns it: `settings` parsed with the product's defaults, then `overrides`. */
export function storedPolicy(settings: PolicySettingsInput = {}, overrides: Partial<Policy> = {}): Policy {
  return {
    id: 1,
    packageId: 1,
    priority: 1,
    version: 1,
    createdAt: STORED_AT,
    updatedAt: STORED_AT,
    deletedAt: null,
    ...policySettingsSchema.parse(settings),
    ...overrides,
  } as Policy;
}

/** An access package row as the store returns it. */
export function storedPackage(overrides: Partial<AccessPackage> = {}): AccessPackage {
  return {
    id: 1,
    catalogId: 1,
    name: 'Marketing Campaign',
    description: 'Access to resources for the campaign',
    hidden: false,
    createdBy: 'U0ADMIN1',
    createdAt: STORED_AT,
    updatedAt: STORED_AT,
    deletedAt: null,
    ...overrides,
  } as AccessPackage;
}

type Json = Record<string, unknown>;

/** Every mrkdwn text in the blocks, one a line (plain_text shows mentions as typed, so only mrkdwn matters). */
export function mrkdwnOf(value: unknown): string {
  if (Array.isArray(value)) return value.map(mrkdwnOf).join('\n');
  if (typeof value !== 'object' || value === null) return '';
  const json = value as Json;
  if (json.type === 'mrkdwn' && typeof json.text === 'string') return json.text;
  return Object.values(json).map(mrkdwnOf).join('\n');
}

/** Each of `parts` stands in `text`; a failure names every part missing, not only the first. */
export function expectToContainAll(text: string, parts: readonly string[]): void {
  expect(
    parts.filter((part) => !text.includes(part)),
    `missing from:\n${text}`,
  ).toEqual([]);
}

/** The Home tab's section headers, top to bottom, as a requestor sees them (no manage section). */
export const HOME_SECTIONS = [
  'My Access',
  'Access you can request',
  'My access',
  'My open requests',
  'Waiting for my approval',
  'Reviews waiting on me',
];
