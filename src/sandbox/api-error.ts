import { type BlockKitIssue, formatIssue } from './block-kit-checks.js';

/** A Web API refusal: answered with HTTP 200 and `{ ok: false, error, … }`, like Slack. */
export class SlackApiError extends Error {
  constructor(
    readonly error: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(error);
    this.name = 'SlackApiError';
  }

  static withMessages(error: string, messages: string[]): SlackApiError {
    return new SlackApiError(error, { response_metadata: { messages } });
  }

  /** `invalid_blocks` for messages, `invalid_arguments` for views: the issues as Slack words them. */
  static fromIssues(error: string, issues: BlockKitIssue[]): SlackApiError {
    const errors = issues.filter((issue) => issue.level === 'error');
    return new SlackApiError(error, {
      errors: errors.map((issue) => `${issue.message} [json-pointer:${issue.pointer}]`),
      response_metadata: { messages: issues.map(formatIssue) },
    });
  }
}

export type ApiArgs = Record<string, unknown>;

export function missingArgument(name: string): SlackApiError {
  return SlackApiError.withMessages('invalid_arguments', [`[ERROR] missing required field: ${name}`]);
}

export function requireString(args: ApiArgs, name: string, error?: string): string {
  const value = optionalString(args, name);
  if (value === undefined || value === '') throw error ? new SlackApiError(error) : missingArgument(name);
  return value;
}

export function optionalString(args: ApiArgs, name: string): string | undefined {
  const value = args[name];
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : String(value);
}

export function booleanArg(args: ApiArgs, name: string): boolean {
  const value = args[name];
  return value === true || value === 'true' || value === '1' || value === 1;
}

export function numberArg(args: ApiArgs, name: string, fallback: number): number {
  const value = Number(args[name]);
  return args[name] === undefined || !Number.isFinite(value) ? fallback : value;
}

/** A comma-separated list as the SDK sends it, or a JSON array. */
export function listArg(args: ApiArgs, name: string): string[] {
  const value = args[name];
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? value.map(String) : String(value).split(',');
  return items.map((item) => item.trim()).filter(Boolean);
}

/** Form-encoded calls carry blocks and views as JSON strings; JSON calls carry them as values. */
export function jsonArg(args: ApiArgs, name: string, errorOnBadJson: string): unknown {
  const value = args[name];
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    throw SlackApiError.withMessages(errorOnBadJson, [
      `[ERROR] ${name} is not valid JSON [json-pointer:/${name}]`,
    ]);
  }
}
