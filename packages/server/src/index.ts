export { type AppOptions, BODY_LIMIT_BYTES, buildApp } from './app.js';
export { type Clock, isVirtualClock, MAX_CLOCK_MS, systemClock, VirtualClock } from './clock.js';
export {
  ACCESS_KEY_PATTERN,
  CREDENTIAL_KEY_FILE,
  type CredentialVault,
  canonicalRequest,
  newAccessKey,
  newSecretKey,
  openCredentialVault,
  rotateCredentialKey,
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
export { BootstrapError, DEFAULT_DOMAIN, newId } from './identity/ids.js';
export { generatePassword, hashPassword, verifyPassword } from './identity/passwords.js';
export {
  createFeedWatcher,
  type FeedOptions,
  type FeedWatcher,
  type WaitOutcome,
} from './jobs/feed-watcher.js';
export { createProducer, type Producer } from './jobs/producer.js';
export { listedJsonOf } from './jobs/render.js';
export { closeOnSignals, type RunningServer, type ServeOptions, startServer } from './serve.js';
export {
  applyScenario,
  createSimulator,
  parseScenario,
  readScenarioFile,
  type Scenario,
  ScenarioError,
  type Simulator,
} from './simulator/index.js';
export {
  describeStore,
  migrateStore,
  openStore,
  redactDatabaseUrl,
  type StoreLocation,
} from './store/open-store.js';
export { migratePostgres, openPostgresStore, type PostgresOptions } from './store/postgres/index.js';
export { openSqliteStore, SQLITE_FILE } from './store/sqlite/index.js';
export type * from './store/types.js';
export { DEFAULT_RATE_LIMITS, type RateLimits } from './throttling/throttling.js';
export { VERSION } from './version.js';
