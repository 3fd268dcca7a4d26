import { AsyncLocalStorage } from 'node:async_hooks';
import { type DestinationStream, type Logger, pino } from 'pino';
import type { Config } from './config.js';

export type { Logger };

/**
 * Fields every line logged while one Slack request is handled carries, through whichever logger
 * logs it (a listener's, a service's deps.log): the request id, the Slack user, the R-… id.
 */
export type LogFields = Record<string, string | number | undefined>;

interface LogScope {
  fields: LogFields;
  /** Called when a line at level error or above is logged inside the scope. */
  onError?: () => void;
}

const scopes = new AsyncLocalStorage<LogScope>();

/** Runs `fn` (and all the async work it starts) with these fields on every log line. */
export function withLogScope<T>(scope: LogScope, fn: () => T): T {
  return scopes.run(scope, fn);
}

/** Adds fields to the current scope (an R-… id learnt halfway through); no-op outside one. */
export function addLogFields(fields: LogFields): void {
  const scope = scopes.getStore();
  if (scope) Object.assign(scope.fields, fields);
}

/** Runs `fn` outside any scope: work started for one request that goes on to serve everyone. */
export function outsideLogScope<T>(fn: () => T): T {
  return scopes.exit(fn);
}

/**
 * Key names whose values are secrets, at any depth (a config object, a resource row, an HTTP
 * client error's request headers): their string values are replaced in the finished line.
 */
const SECRET_KEYS = [
  'token',
  'secret',
  'password',
  'authorization',
  'bot_?token',
  'app_?token',
  'signing_?secret',
  'webhook_?secret',
  'client_?secret',
];
const SECRET_VALUES = new RegExp(`"(${SECRET_KEYS.join('|')})":"(?:[^"\\\\]|\\\\.)*"`, 'gi');

/** Slack tokens and bearer credentials, wherever they hide in a line (an error message, a URL). */
const TOKEN_PATTERNS = [/\bxox[a-z]-[A-Za-z0-9-]+/g, /\bxapp-[A-Za-z0-9-]+/g, /(\bBearer\s+)[^\s"\\]+/gi];

export interface LoggerOptions {
  /** Values never to write, wherever they appear (the configured tokens and secrets). */
  secrets?: readonly (string | undefined)[];
  /** Where lines go; standard output by default. */
  destination?: DestinationStream;
}

const ERROR_LEVEL = 50;

/**
 * JSON lines through pino. Secrets are kept out of the finished line three ways: the values of
 * secret-named keys, the configured secret values and anything shaped like a Slack token or a
 * bearer credential are replaced (Bolt and the Web API client log plain strings, which no key
 * redaction sees; working on the line also costs a few µs where pino's deep redaction costs 50).
 *
 * Error lines are always produced, whatever the level (quieter levels drop them just before
 * they are written): a scope is told of every error, so a request that failed counts as failed
 * in the metrics with LOG_LEVEL=silent too. Errors are rare; the cost is nil.
 */
export function createLogger(level: string = 'info', options: LoggerOptions = {}): Logger {
  const secrets = secretForms(options.secrets ?? []);
  const threshold = level === 'silent' ? Number.POSITIVE_INFINITY : (pino.levels.values[level] ?? 30);
  const quieterThanErrors = threshold > ERROR_LEVEL;
  return pino(
    {
      level: quieterThanErrors ? 'error' : level,
      mixin: (_merge, _level, logger) => scopeFields(logger),
      hooks: {
        logMethod(args, method, lineLevel) {
          if (lineLevel >= ERROR_LEVEL) scopes.getStore()?.onError?.();
          method.apply(this, args);
        },
        streamWrite: (line) => (quieterThanErrors && levelOf(line) < threshold ? '' : scrub(line, secrets)),
      },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

function levelOf(line: string): number {
  const match = /^\{"level":(\d+)/.exec(line);
  return match ? Number(match[1]) : Number.POSITIVE_INFINITY;
}

/** The configured values that must never reach a log line: tokens, the signing secret, the database password. */
export function configSecrets(config: Config): string[] {
  const secrets = [
    config.slack.botToken,
    config.slack.signingSecret,
    config.slack.appToken,
    config.ldap?.bindPassword,
  ];
  if (config.databaseUrl) {
    try {
      const password = new URL(config.databaseUrl).password;
      if (password) secrets.push(password, decodeURIComponent(password));
    } catch {
      // An unparsable URL is refused by the config schema before this runs.
    }
  }
  return secrets.filter((s): s is string => Boolean(s));
}

export const silentLogger: Logger = pino({ level: 'silent' });

/** The scope's fields a logger has not already bound (a child made with them would repeat them). */
function scopeFields(logger: Logger): LogFields {
  const scope = scopes.getStore();
  if (!scope) return {};
  const bound = logger.bindings();
  const fields: LogFields = {};
  for (const [key, value] of Object.entries(scope.fields)) {
    if (value !== undefined && !(key in bound)) fields[key] = value;
  }
  return fields;
}

/** Each secret as it may appear in a JSON line: raw and JSON-escaped. Short values are not secrets. */
function secretForms(secrets: readonly (string | undefined)[]): string[] {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (!secret || secret.length < 6) continue;
    forms.add(secret);
    forms.add(JSON.stringify(secret).slice(1, -1));
  }
  return [...forms].sort((a, b) => b.length - a.length);
}

export function scrub(line: string, secrets: readonly string[]): string {
  let out = line.replace(SECRET_VALUES, '"$1":"[redacted]"');
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join('[redacted]');
  for (const pattern of TOKEN_PATTERNS) {
    out = out.replace(pattern, (_match, prefix: unknown) =>
      typeof prefix === 'string' ? `${prefix}[redacted]` : '[redacted]',
    );
  }
  return out;
}
