/**
 * The light entry point for identity administration (`ddm-jobs iam`): the store and password
 * hashing without the HTTP server or the schema compiler, so that a command starts quickly.
 */
export { systemClock } from './clock/clock.js';
export {
  ACCESS_KEY_PATTERN,
  newAccessKey,
  newSecretKey,
  SECRET_KEY_PATTERN,
} from './identity/aksk/access-keys.js';
export {
  CREDENTIAL_KEY_FILE,
  openCredentialVault,
  rotateCredentialKey,
} from './identity/aksk/credential-vault.js';
export { BootstrapError, DEFAULT_DOMAIN, newId } from './identity/ids.js';
export { generatePassword, hashPassword } from './identity/passwords.js';
export { DEFAULT_ACTION_ROLES, parseRoleList } from './identity/roles.js';
export type * from './store/interfaces.js';
export {
  describeStore,
  migrateStore,
  openStore,
  redactDatabaseUrl,
  type StoreLocation,
} from './store/open-store.js';
export type * from './store/records.js';
export { backupSqliteFile } from './store/sqlite/backup.js';
export { openSqliteStore, SQLITE_FILE } from './store/sqlite/index.js';
export { VERSION } from './version.js';
