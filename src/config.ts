import { z } from 'zod';
import { parseNetwork } from './domain/network-targets.js';

const slackUserIdList = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(/[\s,]+/)
      .map((id) => id.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'each id must look like U0123ABCD')));

const booleanFlag = z
  .enum(['1', '0', 'true', 'false', ''])
  .default('')
  .transform((value) => value === '1' || value === 'true');

const NODE_ENVS = ['development', 'test', 'production'] as const;
type NodeEnv = (typeof NODE_ENVS)[number];

const envSchema = z.object({
  // Trimmed and lower-cased, so `Production` or ` production ` is production (and refuses TEST_CLOCK).
  NODE_ENV: z
    .string()
    .default('development')
    .transform((value, ctx) => {
      const normalised = value.trim().toLowerCase() || 'development';
      if ((NODE_ENVS as readonly string[]).includes(normalised)) return normalised as NodeEnv;
      ctx.issues.push({
        code: 'custom',
        input: value,
        message: `must be one of ${NODE_ENVS.join(', ')} (got ${JSON.stringify(value)})`,
      });
      return z.NEVER;
    }),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres://')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  DATA_DIR: z.string().min(1).default('./.data'),
  ADMIN_USER_IDS: slackUserIdList,
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TEST_CLOCK: booleanFlag,
  JOB_TICK_CRON: z.string().min(1).default('*/30 * * * * *'),
  SLACK_BOT_TOKEN: z
    .string({ error: "missing: the bot token (xoxb-…) from the app's OAuth & Permissions page" })
    .regex(/^xoxb-/, 'must be a bot token starting with xoxb-'),
  SLACK_SIGNING_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9-]{8,}$/, "must be the app's signing secret")
    .optional(),
  SLACK_APP_TOKEN: z
    .string()
    .regex(/^xapp-/, 'must be an app-level token starting with xapp-')
    .optional(),
  SLACK_API_URL: z.url({ error: 'must be a URL like https://slack.com/api/' }).optional(),
  EXPIRY_BATCH_SIZE: z.coerce.number().int().min(1).max(100_000).default(5_000),
  SLACK_POST_PACING: z.enum(['on', 'off']).default('on'),
  SLACK_POST_RATE_SCALE: z.coerce.number().positive('must be a number greater than 0').max(1_000).default(1),
  RECONCILE_EVERY_MINUTES: z.coerce.number().int().min(0).max(10_080).default(60),
  WEBHOOK_ALLOWED_NETWORKS: z
    .string()
    .default('')
    .transform((value) => value.split(/[\s,]+/).filter(Boolean))
    .refine((networks) => networks.every((n) => parseNetwork(n) !== null), {
      message: 'each entry must be an IP address or a network like 10.20.0.0/16',
    }),
  LDAP_URL: z
    .string()
    .regex(/^ldaps?:\/\/[^/\s]+\/?$/, 'must be ldap://host[:port] (StartTLS) or ldaps://host[:port]')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  LDAP_BIND_DN: z.string().trim().optional(),
  LDAP_BIND_PASSWORD: z.string().optional(),
  LDAP_BASE_DN: z.string().trim().optional(),
  LDAP_USER_ATTRIBUTE: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9-]*$/, 'must be an attribute name like mail or userPrincipalName')
    .default('mail'),
  LDAP_STARTTLS: z.enum(['on', 'off']).default('on'),
  LDAP_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5_000),
  LDAP_EMPTY_GROUP_MEMBER: z.string().trim().optional(),
  LDAP_SYNC_EVERY_MINUTES: z.coerce.number().int().min(0).max(10_080).default(30),
});

export type Config = {
  nodeEnv: NodeEnv;
  databaseUrl: string | undefined;
  dataDir: string;
  adminUserIds: string[];
  port: number;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  testClock: boolean;
  /** null: no ticks (JOB_TICK_CRON=off); jobs then run only when kicked or through the test clock. */
  jobTickCron: string | null;
  expiryBatchSize: number;
  /** 0 switches reconciliation off. */
  reconcileEveryMinutes: number;
  /** Internal networks webhooks may still go to (loopback, private and link-local are refused otherwise). */
  webhookAllowedNetworks: string[];
  /** Spread DMs under Slack's posting limits (off only for tests against a fake without limits). */
  postPacing: boolean;
  /** Multiplies the pacing's rates and bursts: a sandbox whose fake Slack runs faster limits matches it. */
  postRateScale: number;
  /** The directory LDAP groups are written to; null when LDAP_URL is not set. */
  ldap: LdapConfig | null;
  slack: {
    botToken: string;
    signingSecret: string | undefined;
    appToken: string | undefined;
    apiUrl: string | undefined;
  };
};

export interface LdapConfig {
  url: string;
  bindDn: string;
  bindPassword: string;
  baseDn: string;
  userAttribute: string;
  startTls: boolean;
  timeoutMs: number;
  emptyGroupMember: string | undefined;
  /** How often LDAP groups are compared with assignments (Entra's writeback cycle); 0 is off. */
  syncEveryMinutes: number;
}

/** LDAP settings, or the problems: once LDAP_URL is set, the bind and base DNs are required. */
function ldapConfig(e: z.infer<typeof envSchema>, problems: string[]): LdapConfig | null {
  if (!e.LDAP_URL) return null;
  const missing = (name: string) => problems.push(`${name}: missing: LDAP_URL is set, so Gatehouse needs it`);
  if (!e.LDAP_BIND_DN) missing('LDAP_BIND_DN');
  if (!e.LDAP_BIND_PASSWORD) missing('LDAP_BIND_PASSWORD');
  if (!e.LDAP_BASE_DN) missing('LDAP_BASE_DN');
  return {
    url: e.LDAP_URL.replace(/\/$/, ''),
    bindDn: e.LDAP_BIND_DN ?? '',
    bindPassword: e.LDAP_BIND_PASSWORD ?? '',
    baseDn: e.LDAP_BASE_DN ?? '',
    userAttribute: e.LDAP_USER_ATTRIBUTE,
    startTls: e.LDAP_STARTTLS === 'on',
    timeoutMs: e.LDAP_TIMEOUT_MS,
    emptyGroupMember: e.LDAP_EMPTY_GROUP_MEMBER || undefined,
    syncEveryMinutes: e.LDAP_SYNC_EVERY_MINUTES,
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

/** Configuration is a pure function of the environment; this is the only reader of process.env. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.TEST_CLOCK && e.NODE_ENV === 'production') {
    problems.push('TEST_CLOCK: the test clock is refused when NODE_ENV=production');
  }
  if (!e.SLACK_APP_TOKEN && !e.SLACK_SIGNING_SECRET) {
    problems.push(
      "SLACK_SIGNING_SECRET: missing: HTTP mode needs the app's signing secret (or set SLACK_APP_TOKEN for Socket Mode)",
    );
  }
  const ldap = ldapConfig(e, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    nodeEnv: e.NODE_ENV,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    adminUserIds: e.ADMIN_USER_IDS,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    testClock: e.TEST_CLOCK,
    jobTickCron: e.JOB_TICK_CRON === 'off' ? null : e.JOB_TICK_CRON,
    expiryBatchSize: e.EXPIRY_BATCH_SIZE,
    reconcileEveryMinutes: e.RECONCILE_EVERY_MINUTES,
    webhookAllowedNetworks: e.WEBHOOK_ALLOWED_NETWORKS,
    postPacing: e.SLACK_POST_PACING === 'on',
    postRateScale: e.SLACK_POST_RATE_SCALE,
    ldap,
    slack: {
      botToken: e.SLACK_BOT_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: e.SLACK_API_URL,
    },
  };
}

/** Where the store is, for tools that need nothing else (`npm run audit`): DATABASE_URL or DATA_DIR. */
export interface StoreConfig {
  databaseUrl: string | undefined;
  dataDir: string;
}

export function readStoreConfig(env: NodeJS.ProcessEnv = process.env): StoreConfig {
  const parsed = envSchema.pick({ DATABASE_URL: true, DATA_DIR: true }).safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  return { databaseUrl: parsed.data.DATABASE_URL, dataDir: parsed.data.DATA_DIR };
}
