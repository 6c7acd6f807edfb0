import { readFile } from 'node:fs/promises';
import { createValidator, InventoryDeclarationSchema, type Static, Type } from '@ddm-jobs/contract';
import type { Clock } from '../clock/clock.js';
import { yaml } from '../install/yaml.js';
import type { CredentialStore, IdentityStore } from '../store/interfaces.js';
import { ACCESS_KEY_PATTERN, SECRET_KEY_PATTERN } from './aksk/access-keys.js';
import type { CredentialVault } from './aksk/credential-vault.js';
import { BootstrapError, DEFAULT_DOMAIN, newId } from './ids.js';
import { generatePassword, hashPassword, verifyPassword } from './passwords.js';
import { SERVICE_ROLE } from './roles.js';

const Name = Type.String({ pattern: '^[^\\u0000-\\u001f]{1,64}$' });
const Id = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' });

/** The declared-identities file (`--bootstrap FILE`): see docs/bootstrap.example.yaml. */
export const BootstrapSchema = Type.Object(
  {
    domains: Type.Optional(
      Type.Array(Type.Object({ name: Name, id: Type.Optional(Id) }, { additionalProperties: false })),
    ),
    projects: Type.Optional(
      Type.Array(
        Type.Object(
          { name: Name, domain: Type.Optional(Name), id: Type.Optional(Id) },
          { additionalProperties: false },
        ),
      ),
    ),
    users: Type.Optional(
      Type.Array(
        Type.Object(
          {
            name: Name,
            domain: Type.Optional(Name),
            password: Type.String({ minLength: 1, maxLength: 1024 }),
            enabled: Type.Optional(Type.Boolean()),
            id: Type.Optional(Id),
            credentials: Type.Optional(
              Type.Array(
                Type.Object(
                  {
                    access_key: Type.String({ pattern: ACCESS_KEY_PATTERN.source }),
                    secret_key: Type.String({ pattern: SECRET_KEY_PATTERN.source }),
                    enabled: Type.Optional(Type.Boolean()),
                  },
                  { additionalProperties: false },
                ),
              ),
            ),
            roles: Type.Optional(
              Type.Array(
                Type.Object(
                  {
                    project: Name,
                    project_domain: Type.Optional(Name),
                    roles: Type.Array(Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' }), { minItems: 1 }),
                  },
                  { additionalProperties: false },
                ),
              ),
            ),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    // Shard-change inventory (docs/scenarios.md, "Inventory"), applied beside the identities by
    // the emulator's wiring (serve.ts), as a scenario's is.
    inventory: Type.Optional(InventoryDeclarationSchema),
  },
  { additionalProperties: false },
);
export type BootstrapFile = Static<typeof BootstrapSchema>;

const validate = createValidator<BootstrapFile>(BootstrapSchema);

/**
 * A bootstrap document: JSON (what `startEmulator()` writes at every start) read by JSON.parse,
 * without loading yaml; anything else, YAML (JSON is YAML, so a file JSON.parse refuses gets
 * yaml's own message). One difference: a key named twice in a JSON object takes its last value,
 * as JSON.parse reads it, where yaml refused the file.
 */
function parseDocument(text: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return yaml().parse(text);
  }
  return parsed;
}

/** Reads a YAML or JSON bootstrap file (JSON is YAML) and checks it against the schema. */
export async function readBootstrapFile(path: string): Promise<BootstrapFile> {
  let parsed: unknown;
  try {
    parsed = parseDocument(await readFile(path, 'utf8'));
  } catch (error) {
    throw new BootstrapError(`cannot read bootstrap file ${path}: ${(error as Error).message}`);
  }
  const checked = validate(parsed ?? {});
  if (!checked.ok) throw new BootstrapError(`bootstrap file ${path}: ${checked.detail}`);
  return checked.value;
}

/**
 * Applies a bootstrap file, idempotently: what is missing is created, a declared password or
 * enabled flag that differs is set, declared roles are granted. Nothing undeclared is removed,
 * so identities added with `ddm-jobs iam` survive restarts.
 */
export async function applyBootstrap(
  store: IdentityStore & CredentialStore,
  file: BootstrapFile,
  clock: Clock,
  vault?: CredentialVault,
): Promise<void> {
  const now = clock.now();
  const domainNamed = async (name: string) => {
    const domain = await store.findDomain({ name });
    if (!domain) throw new BootstrapError(`domain ${name} is not declared`);
    return domain;
  };
  for (const declared of file.domains ?? []) {
    const found = await store.findDomain({ name: declared.name });
    if (!found) await store.createDomain({ id: declared.id ?? newId(), name: declared.name }, now);
    else if (declared.id && declared.id !== found.id) {
      throw new BootstrapError(`domain ${declared.name} exists with id ${found.id}, not ${declared.id}`);
    }
  }
  if (!(await store.findDomain({ name: DEFAULT_DOMAIN }))) {
    await store.createDomain({ id: DEFAULT_DOMAIN, name: DEFAULT_DOMAIN }, now);
  }
  for (const declared of file.projects ?? []) {
    const domain = await domainNamed(declared.domain ?? DEFAULT_DOMAIN);
    const found = await store.findProject({ name: declared.name, domainId: domain.id });
    if (!found) {
      if (declared.id && (await store.findProject({ id: declared.id }))) {
        throw new BootstrapError(`project id ${declared.id} is taken by another project`);
      }
      await store.createProject(
        { id: declared.id ?? newId(), name: declared.name, domainId: domain.id },
        now,
      );
    } else if (declared.id && declared.id !== found.id) {
      throw new BootstrapError(`project ${declared.name} exists with id ${found.id}, not ${declared.id}`);
    }
  }
  const newHashes = await hashNewPasswords(store, file.users ?? []);
  for (const declared of file.users ?? []) {
    const domain = await domainNamed(declared.domain ?? DEFAULT_DOMAIN);
    const enabled = declared.enabled ?? true;
    const found = await store.findUser({ name: declared.name, domainId: domain.id });
    let userId: string;
    if (!found) {
      userId = declared.id ?? newId();
      if (declared.id && (await store.findUser({ id: declared.id }))) {
        throw new BootstrapError(`user id ${declared.id} is taken by another user`);
      }
      const passwordHash = await (newHashes.get(declared) ?? hashPassword(declared.password));
      await store.createUser(
        { id: userId, name: declared.name, domainId: domain.id, passwordHash, enabled },
        now,
      );
    } else {
      if (declared.id && declared.id !== found.id) {
        throw new BootstrapError(`user ${declared.name} exists with id ${found.id}, not ${declared.id}`);
      }
      userId = found.id;
      if (!(await verifyPassword(declared.password, found.passwordHash))) {
        await store.setUserPassword(found.id, await hashPassword(declared.password));
      }
      if (found.enabled !== enabled) await store.setUserEnabled(found.id, enabled);
    }
    for (const grant of declared.roles ?? []) {
      const projectDomain = await domainNamed(grant.project_domain ?? domain.name);
      const project = await store.findProject({ name: grant.project, domainId: projectDomain.id });
      if (!project)
        throw new BootstrapError(`user ${declared.name}: project ${grant.project} is not declared`);
      for (const role of grant.roles) await store.grantRole(userId, project.id, role);
    }
    for (const declaredKey of declared.credentials ?? []) {
      if (!vault) throw new BootstrapError('credentials are declared but no credential key file is set');
      await applyCredential(store, vault, userId, declared.name, declaredKey, now);
    }
  }
}

type DeclaredUser = NonNullable<BootstrapFile['users']>[number];

/**
 * The password hashes of the declared users not stored yet, started together: scrypt runs on
 * libuv's threads, so a first start declaring several users (the emulator's two) waits about as
 * long as for one hash, not one after another. Known users' passwords are checked in turn below.
 */
async function hashNewPasswords(
  store: IdentityStore,
  users: DeclaredUser[],
): Promise<Map<DeclaredUser, Promise<string>>> {
  const hashes = new Map<DeclaredUser, Promise<string>>();
  for (const declared of users) {
    const domain = await store.findDomain({ name: declared.domain ?? DEFAULT_DOMAIN });
    if (!domain || (await store.findUser({ name: declared.name, domainId: domain.id }))) continue;
    const hash = hashPassword(declared.password);
    hash.catch(() => {}); // awaited where used; a start that fails before must not leave it unhandled
    hashes.set(declared, hash);
  }
  return hashes;
}

/** A declared access key: created if missing; the file wins for its secret key and enabled flag. */
async function applyCredential(
  store: CredentialStore,
  vault: CredentialVault,
  userId: string,
  userName: string,
  declared: { access_key: string; secret_key: string; enabled?: boolean },
  now: number,
): Promise<void> {
  const enabled = declared.enabled ?? true;
  const found = await store.findCredential(declared.access_key);
  if (found && found.userId !== userId)
    throw new BootstrapError(`user ${userName}: access key ${declared.access_key} belongs to another user`);
  if (found && vault.open(found.accessKey, found.sealedSecret) === declared.secret_key) {
    if (found.enabled !== enabled) await store.setCredentialEnabled(found.accessKey, enabled);
    return;
  }
  if (found) await store.deleteCredential(found.accessKey);
  const sealedSecret = vault.seal(declared.access_key, declared.secret_key);
  await store.createCredential({
    accessKey: declared.access_key,
    userId,
    sealedSecret,
    enabled,
    createdAt: now,
  });
}

export interface DefaultAdmin {
  projectId: string;
  /** Set only when the password was generated, to be shown once. */
  generatedPassword: string | undefined;
}

/** The roles the first-start admin gets on the default project. */
export const ADMIN_ROLES = ['te_admin', SERVICE_ROLE];

/**
 * On a first start without a bootstrap file (no user exists yet): domain `default`, project
 * `default` and user `admin` with the roles te_admin and service, so a newcomer can sign in.
 */
export async function createDefaultAdmin(
  store: IdentityStore & CredentialStore,
  clock: Clock,
  password: string | undefined,
): Promise<DefaultAdmin | undefined> {
  if ((await store.countUsers()) > 0) return undefined;
  const generatedPassword = password ? undefined : generatePassword();
  await applyBootstrap(
    store,
    {
      projects: [{ name: 'default' }],
      users: [
        {
          name: 'admin',
          password: password ?? (generatedPassword as string),
          roles: [{ project: 'default', roles: ADMIN_ROLES }],
        },
      ],
    },
    clock,
  );
  const project = await store.findProject({ name: 'default', domainId: DEFAULT_DOMAIN });
  return { projectId: (project as { id: string }).id, generatedPassword };
}
