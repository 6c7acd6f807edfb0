// Everything the light entry (`@ddm-jobs/server/admin`, for `ddm-jobs iam`) offers, and the rest.
export * from './admin.js';
export { type AppOptions, BODY_LIMIT_BYTES, buildApp } from './app.js';
export { type Clock, isVirtualClock, MAX_CLOCK_MS, VirtualClock } from './clock/clock.js';
export { FAULTABLE_OPERATIONS, type FaultableOperation } from './faults/operations.js';
export {
  DEFAULT_HTTP_LIMITS,
  type HttpLimits,
  MAX_HEADER_BYTES,
  MAX_URL_LENGTH,
} from './http/limits.js';
export {
  type CredentialVault,
  canonicalRequest,
  sign,
  stringToSign,
  verifySignature,
} from './identity/aksk/index.js';
export {
  ADMIN_ROLES,
  applyBootstrap,
  type BootstrapFile,
  createDefaultAdmin,
  readBootstrapFile,
} from './identity/bootstrap.js';
export { type ExternalIamOptions, externalIamChecker } from './identity/external-iam.js';
export { verifyPassword } from './identity/passwords.js';
export {
  createFeedWatcher,
  type FeedOptions,
  type FeedWatcher,
  type WaitOutcome,
} from './jobs/feed-watcher.js';
export { createProducer, type Producer } from './jobs/producer.js';
export { createTenantEventIds, TENANT_EVENT_ID_SECRET } from './jobs/tenant-event-ids.js';
export { createLogger, type LogFormat, REDACTED_PATHS } from './logger.js';
export { closeOnSignals, type RunningServer, type ServeOptions, startServer } from './serve.js';
export {
  applyInventory,
  applyScenario,
  checkInventoryDeclaration,
  createSimulator,
  parseScenario,
  readScenarioFile,
  type Scenario,
  ScenarioError,
  type Simulator,
} from './simulator/index.js';
export { migratePostgres, openPostgresStore, type PostgresOptions } from './store/postgres/index.js';
export { listedJsonOf } from './store/rows/job-rows.js';
export { DEFAULT_MAX_STREAMS_PER_USER } from './throttling/stream-slots.js';
export { DEFAULT_RATE_LIMITS, type RateLimits } from './throttling/throttling.js';
