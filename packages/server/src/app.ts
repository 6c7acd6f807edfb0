import { createTimeFormatter, type FaultRuleBody, formatDailyTime } from '@ddm-jobs/contract';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import { type Clock, monotonicClock, systemClock } from './clock/clock.js';
import { installFaults } from './faults/hooks.js';
import { createFaultRegistry } from './faults/registry.js';
import { installClockDate } from './http/clock-date.js';
import { clientErrorAnswer, frameworkErrorAnswer, installErrorHandling } from './http/error-handler.js';
import { lazySchemaController } from './http/lazy-compilers.js';
import { DEFAULT_HTTP_LIMITS, type HttpLimits, installUrlLimit, serverLimitOptions } from './http/limits.js';
import { installObservability, registerFeedMetrics } from './http/observability.js';
import { installRawJsonBody } from './http/raw-json-body.js';
import { createRequestIdGenerator } from './http/request-id.js';
import { installSecurityHeaders, securityHeaders } from './http/security-headers.js';
import { installShutdownRefusal } from './http/shutdown.js';
import { installStartupGate } from './http/startup-gate.js';
import { installThrottling } from './http/throttling.js';
import type { CredentialVault } from './identity/aksk/credential-vault.js';
import { createSignedRequestVerifier } from './identity/aksk/signed-request-verifier.js';
import { createAuthenticator, localTokenChecker, type TokenChecker } from './identity/authenticate.js';
import { createKeystone } from './identity/keystone.js';
import { DEFAULT_ACTION_ROLES } from './identity/roles.js';
import { createStandingChecks, DEFAULT_STANDING_CHECK_MS } from './identity/standing.js';
import { createTokenCodec, newTokenKey, TOKEN_KEY_NAME } from './identity/tokens.js';
import { createTenantActions } from './jobs/actions.js';
import { createFeedWatcher, DEFAULT_KEEP_ALIVE_MS, type FeedOptions } from './jobs/feed-watcher.js';
import { createProducer } from './jobs/producer.js';
import {
  createRetention,
  DEFAULT_FEED_RETENTION_DAYS,
  DEFAULT_RETENTION_GRACE_DAYS,
} from './jobs/retention.js';
import { createRunLogs } from './jobs/run-logs.js';
import {
  createTenantEventIds,
  newTenantEventIdSecret,
  TENANT_EVENT_ID_SECRET,
} from './jobs/tenant-event-ids.js';
import { consoleRoutes, DEFAULT_CONSOLE_DIR } from './routes/console.js';
import { emulatorRoutes } from './routes/emulator.js';
import { faultRoutes } from './routes/faults.js';
import { internalEventsRoutes } from './routes/internal-events.js';
import { internalJobsRoutes } from './routes/internal-jobs.js';
import { internalShardRoutes } from './routes/internal-shards.js';
import { jobHistoryRoutes } from './routes/job-history.js';
import { jobStatisticsRoutes } from './routes/job-statistics.js';
import { keystoneRoutes } from './routes/keystone.js';
import { migrationActionsRoutes } from './routes/migration-actions.js';
import { migrationDetailsRoutes } from './routes/migration-details.js';
import { internalLogsRoutes, runLogsRoutes } from './routes/run-logs.js';
import { scenarioRoutes } from './routes/scenarios.js';
import { serviceInfoRoutes } from './routes/service-info.js';
import { shardChangeRoutes } from './routes/shard-changes.js';
import { snapshotRoutes } from './routes/snapshot.js';
import { tenantJobsRoutes } from './routes/tenant-jobs.js';
import { tenantStreamRoutes } from './routes/tenant-stream.js';
import { tenantRoutes } from './routes/tenants.js';
import { createShardChanges } from './shards/shard-changes.js';
import { createShardWorkers } from './shards/shard-workers.js';
import { createReadCounter, createSimulator, type Simulator } from './simulator/index.js';
import { simulateShardChange } from './simulator/shard-change.js';
import type { SnapshotDocument } from './snapshot/document.js';
import { restoreSnapshot, takeSnapshot } from './snapshot/snapshot.js';
import type { Store } from './store/interfaces.js';
import { createStreamSlots, DEFAULT_MAX_STREAMS_PER_USER } from './throttling/stream-slots.js';
import { createThrottling, DEFAULT_RATE_LIMITS, type RateLimits } from './throttling/throttling.js';
import { VERSION } from './version.js';

export interface AppOptions {
  store: Store;
  clock?: Clock;
  /**
   * The real time that rate limits and access-key lockouts follow, whatever `clock` shows (a
   * virtual clock stands still until moved): by default the machine's, monotonic for the rate
   * limits. Tests pass a clock they set by hand.
   */
  realClock?: Clock;
  /** A pino logger; none logs nothing (tests). */
  logger?: Logger;
  /** IANA zone for the times in task bodies; UTC by default. */
  timeZone?: string;
  /** The URL clients use to reach this server, for the identity catalog; else from each request. */
  publicUrl?: string;
  region?: string;
  /**
   * Who vouches for `X-Auth-Token`: the local identities by default, or an external IAM. With
   * another checker this server issues no tokens: the Keystone routes are not served (404
   * APIGW.0101), since a token signed here would be refused here.
   */
  tokenChecker?: TokenChecker;
  /** The roles that may change tasks (`--action-roles`); DEFAULT_ACTION_ROLES (`te_admin`) by default. */
  actionRoles?: readonly string[];
  /** Opens the sealed secret keys of AK/SK callers; without it every signed request is refused. */
  credentialVault?: CredentialVault;
  /** Requests a second per credential and per address (0: no limit); 100 and 1000 by default. */
  rateLimits?: RateLimits;
  /** Polling of the change feed and the keep-alive of event streams (tests shorten them). */
  feed?: FeedOptions;
  /**
   * The emulator (`--emulator`): `POST /internal/v1/reset` empties the tasks, then calls this to
   * apply the declared identities and scenarios again; it answers the ids of the tasks recorded.
   */
  emulator?: {
    reapply(): Promise<{ jobs: string[] }>;
    /**
     * `POST /internal/v1/reset` with a project empties that project's tasks, then calls this to
     * record that project's declared tasks again; none when not given.
     */
    reapplyProject?(projectId: string): Promise<{ jobs: string[] }>;
  };
  /**
   * The emulator's fault rules declared in the scenario file (`faults:`), held from the start and
   * again after each reset; ignored without `emulator`.
   */
  declaredFaults?: readonly FaultRuleBody[];
  /** How often the simulator advances simulated tasks on its own, in ms (1000); 0: only when ticked. */
  simulatorIntervalMs?: number;
  /** Days tasks are kept past the 30-day window before they are purged (7). */
  retentionGraceDays?: number;
  /** Days the change feed's entries are kept (2). */
  feedRetentionDays?: number;
  /** How often retention runs, in ms (10 minutes); 0: only after clock moves and when asked. */
  retentionIntervalMs?: number;
  /** The built console served under /console/; packages/console/dist by default. */
  consoleDir?: string;
  /** Timeouts of the HTTP server (DEFAULT_HTTP_LIMITS; tests shorten them). */
  httpLimits?: Partial<HttpLimits>;
  /** Event streams open at once per user, tenant stream and internal feed together (10); 0: no limit. */
  maxStreamsPerUser?: number;
  /**
   * Addresses or CIDRs of the reverse proxies trusted to tell the client's address
   * (`X-Forwarded-For`) and scheme (`X-Forwarded-Proto`), as proxy-addr reads them: `request.ip`
   * (logs, the per-address limit) is the nearest address not in this list. None: the socket's.
   */
  trustProxy?: readonly string[];
  /**
   * The node's start-up work done after it listens (serve.ts): requests wait until it settles, and
   * are refused with 503 APIGW.0202 if it fails (http/startup-gate.ts). None: no wait (tests).
   */
  startup?: Promise<unknown>;
}

/** Largest request body accepted; the task API's bodies are a few hundred bytes. */
export const BODY_LIMIT_BYTES = 64 * 1024;

/** Builds the whole HTTP application on a store; it does not listen (tests inject requests). */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { store } = options;
  const clock = options.clock ?? systemClock;
  const codec = createTokenCodec(await store.sharedSecret(TOKEN_KEY_NAME, newTokenKey()));
  const headers = securityHeaders({ https: options.publicUrl?.startsWith('https:') ?? false });
  const actionRoles = options.actionRoles ?? DEFAULT_ACTION_ROLES;

  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    // One line per request is written by the observability hook instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'req_id' }),
    genReqId: createRequestIdGenerator(),
    bodyLimit: BODY_LIMIT_BYTES,
    ...(options.trustProxy?.length ? { trustProxy: [...options.trustProxy] } : {}),
    // Off: installShutdownRefusal answers the documented 503 instead of Fastify's own body.
    return503OnClosing: false,
    frameworkErrors: frameworkErrorAnswer(headers),
    clientErrorHandler: clientErrorAnswer(headers),
    ...serverLimitOptions({ ...DEFAULT_HTTP_LIMITS, ...options.httpLimits }),
    // Response serializers built at each route's first answer, not before listening.
    schemaController: lazySchemaController,
  }) as unknown as FastifyInstance;
  // JSON only: a body of any other type is 415 rather than a string handed to a JSON route.
  app.removeContentTypeParser('text/plain');

  installErrorHandling(app);
  installShutdownRefusal(app);
  if (options.startup) installStartupGate(app, options.startup);
  installSecurityHeaders(app, headers);
  installClockDate(app, clock);
  const metrics = installObservability(app, store);
  installUrlLimit(app);
  const throttling = createThrottling(
    options.rateLimits ?? DEFAULT_RATE_LIMITS,
    options.realClock ?? monotonicClock,
  );
  installThrottling(app, throttling);
  installRawJsonBody(app);
  // The emulator's faults on demand: hooks on the whole app, so they run before any route's own.
  const faults = options.emulator ? createFaultRegistry() : undefined;
  const holdDeclaredFaults = () => {
    faults?.clear();
    for (const rule of options.declaredFaults ?? []) faults?.add(rule);
  };
  if (faults) {
    installFaults(app, faults, metrics);
    holdDeclaredFaults();
  }
  const checkToken = options.tokenChecker ?? localTokenChecker(codec, store, clock);
  const auth = createAuthenticator(checkToken, {
    verifySigned: createSignedRequestVerifier({
      store,
      vault: options.credentialVault,
      clock,
      lockoutClock: options.realClock ?? systemClock,
    }),
    identity: store,
    admit: throttling.admit,
    actionRoles,
  });

  const timeZone = options.timeZone ?? 'UTC';
  const formatTime = createTimeFormatter(timeZone);
  app.register(async (scope) =>
    tenantJobsRoutes(scope, {
      jobs: store,
      auth,
      clock,
      formatTime,
      utc: timeZone === 'UTC',
      // The emulator counts tenants' reads, which end the scenario steps declared with `reads`.
      onRead: options.emulator && ((projectId, jobIds) => readCounter.observe(projectId, jobIds)),
    }),
  );
  app.register(async (scope) => jobHistoryRoutes(scope, { jobs: store, auth, formatTime }));
  app.register(async (scope) => jobStatisticsRoutes(scope, { jobs: store, auth, clock }));
  app.register(async (scope) =>
    migrationActionsRoutes(scope, { actions: createTenantActions(store, clock), auth }),
  );
  app.register(async (scope) => internalJobsRoutes(scope, { producer: createProducer(store, clock), auth }));
  const runLogs = createRunLogs(store, clock);
  app.register(async (scope) => runLogsRoutes(scope, { runLogs, auth }));
  app.register(async (scope) =>
    migrationDetailsRoutes(scope, { jobs: store, auth, formatWindowTime: formatDailyTime }),
  );
  app.register(async (scope) => internalLogsRoutes(scope, { runLogs, auth }));
  // The producer of simulated tasks (docs/scenarios.md), and the route that declares them.
  const simulation = { store, producer: createProducer(store, clock), clock, timeZone };
  const simulator = createSimulator({ ...simulation, logger: options.logger });
  app.decorate('simulator', simulator);
  const readCounter = createReadCounter({ store, simulator, clock });
  app.addHook('onClose', async () => simulator.stop());
  // Starting shard changes: in the emulator its simulator plays a perform's task.
  const shardChanges = createShardChanges({
    store,
    producer: simulation.producer,
    clock,
    vault: options.credentialVault,
    emulator: options.emulator && { simulate: (job, instance) => simulateShardChange(store, job, instance) },
  });
  app.register(async (scope) => shardChangeRoutes(scope, { shardChanges, auth }));
  const workers = createShardWorkers({ store, clock, vault: options.credentialVault });
  app.register(async (scope) => internalShardRoutes(scope, { workers, auth }));
  app.register(async (scope) => scenarioRoutes(scope, { ...simulation, auth, faults }));
  if (!options.tokenChecker) {
    app.register(async (scope) =>
      keystoneRoutes(scope, {
        keystone: createKeystone(store, codec, clock),
        publicUrl: options.publicUrl,
        region: options.region ?? 'local',
      }),
    );
  }
  const simulatorIntervalMs = options.simulatorIntervalMs ?? 1000;
  const reapplyDeclared = options.emulator?.reapply;
  const reapply =
    reapplyDeclared &&
    (() => {
      holdDeclaredFaults();
      return reapplyDeclared();
    });
  // The simulator pauses through a reset: a tick under way would otherwise save a simulation of
  // a task the reset just removed.
  const reset =
    reapply &&
    (() =>
      simulator.paused(async () => {
        await store.resetJobs(clock.now());
        await store.resetShards();
        throttling.reset();
        readCounter.forget();
        return reapply();
      }));
  // The reset of one project, for tests sharing one emulator, each with a tenant of its own
  // (POST /internal/v1/tenants): that project's tasks alone; undefined when there is no such project.
  const reapplyProject = options.emulator?.reapplyProject;
  const resetProject =
    options.emulator &&
    (async (projectId: string) => {
      if (!(await store.findProject({ id: projectId }))) return undefined;
      return simulator.paused(async () => {
        await store.purgeProject(projectId, clock.now());
        readCounter.forget(projectId);
        // The project's own fault rules go with its tasks; the others' stay.
        faults?.clear(projectId);
        return reapplyProject ? reapplyProject(projectId) : { jobs: [] };
      });
    });
  const retention = createRetention({
    store,
    clock,
    graceDays: options.retentionGraceDays ?? DEFAULT_RETENTION_GRACE_DAYS,
    feedDays: options.feedRetentionDays ?? DEFAULT_FEED_RETENTION_DAYS,
    logger: options.logger,
  });
  app.addHook('onClose', async () => retention.stop());
  // After a move of the virtual clock, the simulated tasks catch up and what aged out goes.
  const afterClockMove = async () => {
    await simulator.tick();
    await retention.run();
  };
  app.register(async (scope) => emulatorRoutes(scope, { auth, clock, afterClockMove, reset, resetProject }));
  const vault = options.credentialVault;
  if (options.emulator && vault) {
    const deps = { auth, store, vault, clock, publicUrl: options.publicUrl };
    app.register(async (scope) => tenantRoutes(scope, deps));
  }
  if (faults) app.register(async (scope) => faultRoutes(scope, { faults, auth }));
  if (options.emulator) {
    const snapshots = { store, clock, vault: options.credentialVault };
    // As the reset, the simulator pauses: a tick under way would write over the restored state.
    const restore = (document: SnapshotDocument) =>
      simulator.paused(async () => {
        const summary = await restoreSnapshot(snapshots, document, { withSharedSecrets: false });
        throttling.reset();
        // Reads counted belong to the state replaced: the restored steps count again from 0.
        readCounter.forget();
        options.logger?.info({ rows: summary.rows, clock: summary.clock }, 'snapshot restored');
        return summary;
      });
    app.register(async (scope) =>
      snapshotRoutes(scope, { auth, take: () => takeSnapshot(snapshots), restore }),
    );
  }
  // Long-polls and event streams wait on one watcher; closing it ends them, so close never hangs.
  const watcher = createFeedWatcher(store, {
    ...(options.feed?.pollMs === undefined ? {} : { pollMs: options.feed.pollMs }),
    onPollError: (error) => app.log.warn({ err: error }, 'change feed poll failed'),
  });
  registerFeedMetrics(metrics, watcher);
  app.addHook('preClose', async () => watcher.close());
  const keepAliveMs = options.feed?.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS;
  const streamSlots = createStreamSlots(options.maxStreamsPerUser ?? DEFAULT_MAX_STREAMS_PER_USER);
  // Open streams ask again whether their caller may still read (at each keep-alive when sooner).
  const standing = createStandingChecks({ checkToken, store, clock });
  const standingCheckMs = Math.min(options.feed?.standingCheckMs ?? DEFAULT_STANDING_CHECK_MS, keepAliveMs);
  const streams = { jobs: store, auth, standing, standingCheckMs, watcher, keepAliveMs, streamSlots };
  app.register(async (scope) => internalEventsRoutes(scope, streams));
  const eventIds = createTenantEventIds(
    await store.sharedSecret(TENANT_EVENT_ID_SECRET, newTenantEventIdSecret()),
  );
  app.register(async (scope) => tenantStreamRoutes(scope, { ...streams, eventIds, formatTime }));
  app.register(async (scope) => serviceInfoRoutes(scope, { store, metrics, version: VERSION, actionRoles }));
  const consoleDir = options.consoleDir ?? DEFAULT_CONSOLE_DIR;
  app.register(async (scope) => consoleRoutes(scope, { dir: consoleDir }), { prefix: '/console' });
  await app.ready();
  const retentionIntervalMs = options.retentionIntervalMs ?? 600_000;
  if (retentionIntervalMs > 0) retention.start(retentionIntervalMs);
  if (simulatorIntervalMs > 0) simulator.start(simulatorIntervalMs);
  return app;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The producer of simulated tasks, decorated for tests that tick it after moving the clock. */
    simulator: Simulator;
  }
}
