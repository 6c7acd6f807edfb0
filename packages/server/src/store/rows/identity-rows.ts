import type { Credential, Project, User } from '../records.js';

/**
 * The identity tables' rows as both databases return them, and their mapping to the records.
 * Flags are INTEGER 0/1 in SQLite and BOOLEAN in PostgreSQL.
 */

type Flag = number | boolean;
const isSet = (flag: Flag) => flag === true || flag === 1;

export const USER_COLUMNS = 'id, name, domain_id, password_hash, token_epoch, enabled';

export interface UserRow {
  id: string;
  name: string;
  domain_id: string;
  password_hash: string;
  token_epoch: number;
  enabled: Flag;
}

export const toUser = (r: UserRow): User => ({
  id: r.id,
  name: r.name,
  domainId: r.domain_id,
  passwordHash: r.password_hash,
  tokenEpoch: r.token_epoch,
  enabled: isSet(r.enabled),
});

export const PROJECT_COLUMNS = 'id, name, domain_id';

export interface ProjectRow {
  id: string;
  name: string;
  domain_id: string;
}

export const toProject = (r: ProjectRow): Project => ({ id: r.id, name: r.name, domainId: r.domain_id });

export const CREDENTIAL_COLUMNS = 'access_key, user_id, sealed_secret, enabled, created_at, locked_until';

export interface CredentialRow {
  access_key: string;
  user_id: string;
  sealed_secret: Buffer;
  enabled: Flag;
  created_at: number;
  locked_until: number | null;
}

export const toCredential = (r: CredentialRow): Credential => ({
  accessKey: r.access_key,
  userId: r.user_id,
  sealedSecret: r.sealed_secret,
  enabled: isSet(r.enabled),
  createdAt: r.created_at,
  lockedUntil: r.locked_until,
});
