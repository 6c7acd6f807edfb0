import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock/clock.js';
import { ApiError } from '../errors/api-error.js';
import type { CredentialStore, IdentityStore } from '../store/interfaces.js';
import { newAccessKey, newSecretKey } from './aksk/access-keys.js';
import type { CredentialVault } from './aksk/credential-vault.js';
import { DEFAULT_DOMAIN, newId } from './ids.js';
import { generatePassword, hashPassword } from './passwords.js';

/** The role a test's tenant holds on its project: a tenant administrator, who may act on tasks. */
export const TENANT_ROLE = 'te_admin';

/** A tenant made for one test: its project, its user and the secrets, shown this once. */
export interface NewTenant {
  project: { id: string; name: string };
  domain: { id: string; name: string };
  user: { id: string; name: string; password: string };
  role: string;
  accessKey: { access: string; secret: string };
}

/** A name of its own for a tenant asked for without one: `tenant-` and 12 random hex digits. */
export const generatedTenantName = () => `tenant-${randomBytes(6).toString('hex')}`;

/** A database's refusal of a second row with the same key (SQLite's and PostgreSQL's codes). */
function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === '23505' || (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT'));
}

const taken = (name: string) =>
  new ApiError('tenantExists', `"${name}" names a project or a user of domain default already.`);

/**
 * Makes a tenant in domain default: a project and a user both called `name` (generated when not
 * given), the user with role te_admin on the project, a generated password and an access key whose
 * secret is sealed as `ddm-jobs iam credentials create` seals it. A name already taken, by a project
 * or a user, is 409 DDMJOBS.0430 and nothing is made.
 */
export async function createTenant(
  deps: { store: IdentityStore & CredentialStore; vault: CredentialVault; clock: Clock },
  name: string = generatedTenantName(),
): Promise<NewTenant> {
  const { store, vault, clock } = deps;
  const now = clock.now();
  // Every server has it (its first start or bootstrap file made it); made as they make it if not.
  let domain = await store.findDomain({ name: DEFAULT_DOMAIN });
  if (!domain) {
    domain = { id: DEFAULT_DOMAIN, name: DEFAULT_DOMAIN };
    await store.createDomain(domain, now).catch((error: unknown) => {
      if (!isUniqueViolation(error)) throw error;
    });
  }
  if (
    (await store.findProject({ name, domainId: domain.id })) ||
    (await store.findUser({ name, domainId: domain.id }))
  )
    throw taken(name);
  const project = { id: newId(), name, domainId: domain.id };
  const password = generatePassword();
  const user = {
    id: newId(),
    name,
    domainId: domain.id,
    passwordHash: await hashPassword(password),
    enabled: true,
  };
  try {
    // The project first: two requests racing for one name meet here, before anything else exists.
    await store.createProject(project, now);
  } catch (error) {
    if (isUniqueViolation(error)) throw taken(name);
    throw error;
  }
  try {
    await store.createUser(user, now);
  } catch (error) {
    if (isUniqueViolation(error)) throw taken(name);
    throw error;
  }
  await store.grantRole(user.id, project.id, TENANT_ROLE);
  const access = newAccessKey();
  const secret = newSecretKey();
  await store.createCredential({
    accessKey: access,
    userId: user.id,
    sealedSecret: vault.seal(access, secret),
    enabled: true,
    createdAt: now,
  });
  return {
    project: { id: project.id, name },
    domain: { id: domain.id, name: domain.name },
    user: { id: user.id, name, password },
    role: TENANT_ROLE,
    accessKey: { access, secret },
  };
}
