import { z } from 'zod';

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

const envSchema = z.object({
  NODE_ENV: z.string().default('development'),
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
  EXPIRY_BATCH_SIZE: z.coerce.number().int().min(1).max(100_000).default(5_000),
});

export type Config = {
  nodeEnv: string;
  databaseUrl: string | undefined;
  dataDir: string;
  adminUserIds: string[];
  port: number;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  testClock: boolean;
  jobTickCron: string;
  expiryBatchSize: number;
};

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
  if (e.TEST_CLOCK && e.NODE_ENV === 'production') {
    throw new ConfigError(['TEST_CLOCK: the test clock is refused when NODE_ENV=production']);
  }
  return {
    nodeEnv: e.NODE_ENV,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    adminUserIds: e.ADMIN_USER_IDS,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    testClock: e.TEST_CLOCK,
    jobTickCron: e.JOB_TICK_CRON,
    expiryBatchSize: e.EXPIRY_BATCH_SIZE,
  };
}
