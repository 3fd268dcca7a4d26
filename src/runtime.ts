import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CustomRoute } from '@slack/bolt';
import { type Clock, OffsetClock } from './clock.js';
import type { Config } from './config.js';
import { ldapGroupConnector, ldapNotConfigured } from './connectors/ldap-group.js';
import { MethodPacer, scaledMethodLimits } from './connectors/method-pacer.js';
import type { ConnectorRegistry } from './connectors/port.js';
import { slackChannelConnector } from './connectors/slack-channel.js';
import { slackUsergroupConnector } from './connectors/slack-usergroup.js';
import { webhookConnector } from './connectors/webhook.js';
import { type Database, openDatabase, ping } from './db/client.js';
import { migrate } from './db/migrate.js';
import { networkTargets } from './domain/network-targets.js';
import { testClockHandler } from './http/test-clock.js';
import { engineJobs } from './jobs/engine-jobs.js';
import { type JobRunner, startJobRunner } from './jobs/runner.js';
import { configSecrets, createLogger, type Logger } from './logger.js';
import { jobObserver } from './metrics/job-observer.js';
import { createMetrics, type Metrics } from './metrics/metrics.js';
import { metricsHandler } from './metrics/route.js';
import { readOutboxGauges } from './metrics/store-probes.js';
import { userEmail } from './services/catalog/users.js';
import type { EngineDeps } from './services/context.js';
import { deliverFulfilments } from './services/lifecycle/delivery-runner.js';
import { ldapMembershipReader } from './services/lifecycle/ldap-membership.js';
import { type PacingLimits, SendPacer, SLACK_POST_LIMITS } from './services/lifecycle/pacing.js';
import { loadTestClockOffset } from './services/test-clock-store.js';
import { createSlackApp, type SlackRuntime } from './slack/app.js';
import { backgroundClient } from './slack/clients.js';
import { slackDmTransport } from './slack/dm-transport.js';
import { slackMembershipReader } from './slack/membership-reader.js';
import { slackNotifier } from './slack/notifier.js';
import { refreshHome } from './slack/portal/home.js';

export interface Gatehouse {
  deps: EngineDeps;
  database: Database;
  jobs: JobRunner;
  slack: SlackRuntime;
  log: Logger;
  /** The app's Prometheus metrics (GET /metrics), on a registry of its own. */
  metrics: Metrics;
  /** The HTTP port actually bound (PORT=0 picks a free one). */
  port: number;
  stop(): Promise<void>;
}

export interface StartOptions {
  config: Config;
  /** Domain time: the system clock, or an OffsetClock when TEST_CLOCK=1. */
  clock: Clock;
  /** Real time, for Slack's signature window and webhook timestamps. */
  wallClock: Clock;
  logger?: Logger;
  /** Tests replace connectors (a failing webhook, say); the Slack ones are the default. */
  connectors?: Partial<ConnectorRegistry>;
  /** The clock (and sleep) Slack's limits are paced on; the wall clock when unset. The sandbox shares one with its fake. */
  pacing?: { clock: Clock; sleep?: (ms: number) => Promise<void> };
}

/**
 * Start-up only wires: database → migrations → engine → jobs → Slack app and HTTP routes.
 * `stop` undoes it in reverse: stop taking requests (in-flight ones finish), stop the jobs,
 * close the database.
 */
export async function startGatehouse(options: StartOptions): Promise<Gatehouse> {
  const { config, clock, wallClock } = options;
  const log = options.logger ?? createLogger(config.logLevel, { secrets: configSecrets(config) });
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrate(database);
    await restoreTestClock(config, clock, database, log);
  } catch (error) {
    await database.close();
    throw error;
  }
  const background = backgroundClient({ token: config.slack.botToken, apiUrl: config.slack.apiUrl, log });
  const metrics = createMetrics({ readStore: () => readOutboxGauges(database.db), log });
  const webhookTargets = networkTargets(config.webhookAllowedNetworks);
  const pacingClock = options.pacing?.clock ?? wallClock;
  // Connector calls are paced per method under Slack's tiers, as DMs are (SLACK_POST_PACING).
  const methodPacer = config.postPacing
    ? new MethodPacer(scaledMethodLimits(config.postRateScale), pacingClock, options.pacing?.sleep)
    : undefined;
  const deps: EngineDeps = {
    database,
    clock,
    adminUserIds: config.adminUserIds,
    connectors: {
      slack_usergroup: slackUsergroupConnector(background, { pacer: methodPacer }),
      slack_channel: slackChannelConnector(background, { pacer: methodPacer }),
      webhook: webhookConnector({ wallClock, targets: webhookTargets }),
      ldap_group: config.ldap
        ? ldapGroupConnector(config.ldap, (userId) => userEmail(deps, userId))
        : ldapNotConfigured(),
      ...options.connectors,
    },
    ...(config.ldap ? { ldapBaseDn: config.ldap.baseDn } : {}),
    log,
    batchSize: config.expiryBatchSize,
    webhookTargets,
    // A person's action is acked at once; its grants and revokes are delivered right after, as
    // work the job runner (started below, before any Slack request comes in) tracks. The DMs
    // the delivery queues wake the outbox job when its transaction commits, like any other.
    deliverLater: (ids, preclaimed) =>
      jobs.track(deliverFulfilments(deps, ids, { preclaimed }).then((report) => metrics.deliveries(report))),
    // Wake on write: a committed transaction that queued DMs or untaken fulfilments runs just
    // those jobs now; a read wakes nothing; everything else waits for the scheduled tick.
    wake: (woken) => jobs.kick([...woken]),
  };
  const notifier = slackNotifier(deps, background, {
    refreshHome: (userId) => refreshHome({ engine: deps, log }, background, userId),
  });
  const reconcile =
    config.reconcileEveryMinutes > 0
      ? { reader: slackMembershipReader(background), everyMs: config.reconcileEveryMinutes * 60_000 }
      : undefined;
  const ldap = config.ldap;
  const ldapSync =
    ldap && ldap.syncEveryMinutes > 0
      ? { reader: ldapMembershipReader(deps, ldap), everyMs: ldap.syncEveryMinutes * 60_000 }
      : undefined;
  const jobs = startJobRunner(
    engineJobs(
      deps,
      {
        transport: slackDmTransport(background),
        render: notifier.render,
        afterSend: notifier.afterSend,
        ...(config.postPacing
          ? {
              pacer: new SendPacer(
                scaledPostLimits(config.postRateScale),
                pacingClock,
                options.pacing?.sleep,
              ),
            }
          : {}),
      },
      reconcile,
      ldapSync,
    ),
    { cron: config.jobTickCron, log, observer: jobObserver(metrics, deps) },
  );

  const routes: CustomRoute[] = [
    { path: '/healthz', method: 'GET', handler: healthHandler(database) },
    { path: '/metrics', method: 'GET', handler: metricsHandler(metrics) },
  ];
  if (config.testClock && clock instanceof OffsetClock) {
    routes.push({ path: '/_test/clock', method: 'POST', handler: testClockHandler(deps, clock, jobs) });
    log.warn('TEST_CLOCK=1: POST /_test/clock moves domain time forward (a sandbox feature)');
  }
  const slack = createSlackApp({
    botToken: config.slack.botToken,
    signingSecret: config.slack.signingSecret,
    appToken: config.slack.appToken,
    apiUrl: config.slack.apiUrl,
    engine: deps,
    wallClock,
    log,
    routes,
    port: config.port,
    metrics,
  });
  let port: number;
  try {
    port = await slack.start();
  } catch (error) {
    await jobs.stop();
    await database.close();
    throw error;
  }
  log.info(
    { port, mode: slack.mode, database: database.kind, admins: config.adminUserIds.length },
    'Gatehouse is up',
  );
  // Work that fell due while the app was down is caught up now, not at the first tick.
  jobs.kick();

  return {
    deps,
    database,
    jobs,
    slack,
    log,
    metrics,
    port,
    async stop() {
      await slack.stop();
      await jobs.stop();
      await database.close();
      log.info('stopped');
    },
  };
}

/**
 * TEST_CLOCK=1: the test clock resumes from the offset the store keeps, so a restart never moves
 * domain time back. TEST_CLOCK off: a stored offset is ignored (domain time is the real clock).
 */
async function restoreTestClock(
  config: Config,
  clock: Clock,
  database: Database,
  log: Logger,
): Promise<void> {
  const stored = await loadTestClockOffset(database.db);
  if (stored === null || stored <= 0) return;
  if (config.testClock && clock instanceof OffsetClock) {
    clock.restore(stored);
    log.info({ offsetMs: stored, now: clock.now().toISOString() }, 'test clock restored from the store');
  } else {
    log.warn(
      { offsetMs: stored },
      'the store keeps a test clock offset but TEST_CLOCK is off: it is ignored, domain time is the real clock',
    );
  }
}

/** Slack's posting limits times SLACK_POST_RATE_SCALE, rounded as the sandbox's fake scales its own. */
function scaledPostLimits(scale: number): PacingLimits {
  const burst = (n: number) => Math.max(1, Math.floor(n * scale));
  return {
    perChannelPerMinute: SLACK_POST_LIMITS.perChannelPerMinute * scale,
    perChannelBurst: burst(SLACK_POST_LIMITS.perChannelBurst),
    workspacePerMinute: SLACK_POST_LIMITS.workspacePerMinute * scale,
    workspaceBurst: burst(SLACK_POST_LIMITS.workspaceBurst),
  };
}

function healthHandler(database: Database) {
  return (_req: IncomingMessage, res: ServerResponse) => {
    void ping(database.db).then((ok) => {
      res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: ok ? 'ok' : 'unavailable' }));
    });
  };
}
