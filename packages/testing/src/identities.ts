import { createHmac } from 'node:crypto';

// An emulator's own identities, declared in the bootstrap file written to its folder: a service user (role `service`: the clock, resets, faults, tenants,
// snapshots) and a default tenant (role `te_admin` on project `default`, where scenarios record
// their tasks by default) with a password and an access-key pair.

/** A tenant: a project, a user with role te_admin on it, its password and access-key pair. */
export interface Tenant {
  projectId: string;
  projectName: string;
  domainId: string;
  domainName: string;
  userId: string;
  username: string;
  password: string;
  accessKey: string;
  secretKey: string;
  /** Keystone's URL, `http://127.0.0.1:PORT/v3`. */
  authUrl: string;
  /** The DDM endpoint, `http://127.0.0.1:PORT`. */
  endpoint: string;
}

/** What the emulator's own calls sign in with. */
export interface ServiceUser {
  username: string;
  password: string;
  domainName: string;
  projectName: string;
}

/** The generated identities, and the bootstrap declarations that create them. */
export interface EmulatorIdentities {
  service: ServiceUser;
  tenant: Omit<Tenant, 'authUrl' | 'endpoint'>;
  /** Bootstrap declarations (docs/identity.md), to merge with the caller's own. */
  declarations: Bootstrap;
}

/** The bootstrap file's shape, as far as merging needs it. */
export interface Bootstrap {
  domains?: unknown[];
  projects?: { name: string; id?: string; domain?: string }[];
  users?: unknown[];
  [key: string]: unknown;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** The project scenarios record their tasks in unless they name another. */
export const DEFAULT_PROJECT = 'default';

/**
 * The emulator's identities, derived from its credential key (the key that seals access keys'
 * secrets, which a snapshot can only be restored with): emulators with one key have the same
 * identities, so a snapshot saved by one restores into another with every credential the helper
 * knows still valid. The key is 32 random bytes, so what is derived is as secret as random.
 */
export function deriveIdentities(key: Buffer, projectId?: string): EmulatorIdentities {
  const derive = (what: string) => createHmac('sha256', key).update(`ddm-jobs emulator ${what}`).digest();
  const text = (what: string, alphabet: string, length: number) =>
    Array.from(derive(what).subarray(0, length), (byte) => alphabet[byte % alphabet.length]).join('');
  const service: ServiceUser = {
    username: 'emulator-service',
    password: derive('service password').toString('base64url'),
    domainName: 'default',
    projectName: DEFAULT_PROJECT,
  };
  const tenant = {
    projectId: projectId ?? derive('project id').subarray(0, 16).toString('hex'),
    projectName: DEFAULT_PROJECT,
    domainId: 'default',
    domainName: 'default',
    userId: derive('tenant user id').subarray(0, 16).toString('hex'),
    username: 'emulator-tenant',
    password: derive('tenant password').toString('base64url'),
    accessKey: text('tenant access key', UPPER_ALPHANUMERIC, 20),
    secretKey: `${text('tenant secret key', ALPHANUMERIC, 32)}${text('tenant secret key, end', ALPHANUMERIC, 8)}`,
  };
  const declarations: Bootstrap = {
    projects: [{ name: DEFAULT_PROJECT, id: tenant.projectId }],
    users: [
      {
        name: service.username,
        password: service.password,
        roles: [{ project: DEFAULT_PROJECT, roles: ['service'] }],
      },
      {
        name: tenant.username,
        id: tenant.userId,
        password: tenant.password,
        roles: [{ project: DEFAULT_PROJECT, roles: ['te_admin'] }],
        credentials: [{ access_key: tenant.accessKey, secret_key: tenant.secretKey }],
      },
    ],
  };
  return { service, tenant, declarations };
}

/**
 * The caller's bootstrap with the emulator's identities added: its own project `default` (in
 * the default domain) is kept, with its id if it fixes one; every other declaration as written.
 */
export function mergeBootstrap(
  own: Bootstrap | undefined,
  key: Buffer,
): { bootstrap: Bootstrap; identities: EmulatorIdentities } {
  const projects = own?.projects ?? [];
  const declared = projects.find((p) => p.name === DEFAULT_PROJECT && (p.domain ?? 'default') === 'default');
  const identities = deriveIdentities(key, declared?.id);
  const bootstrap: Bootstrap = {
    ...own,
    projects: declared
      ? projects.map((p) => (p === declared ? { ...p, id: identities.tenant.projectId } : p))
      : [...projects, ...(identities.declarations.projects ?? [])],
    users: [...(own?.users ?? []), ...(identities.declarations.users ?? [])],
  };
  return { bootstrap, identities };
}
