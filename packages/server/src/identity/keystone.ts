import { createHash, randomBytes } from 'node:crypto';
import { createValidator, type TokenBody, type TokenRequest, TokenRequestSchema } from '@ddm-jobs/contract';
import type { Clock } from '../clock/clock.js';
import { KeystoneError } from '../errors/keystone-error.js';
import type { IdentityStore } from '../store/interfaces.js';
import type { Domain, Project, User } from '../store/records.js';
import { checkToken } from './authenticate.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { holdsAny, TOKEN_VALIDATOR_ROLES } from './roles.js';
import type { TokenCodec, TokenPayload } from './tokens.js';

/** Tokens last 24 hours, as the cloud's do. */
export const TOKEN_TTL_MS = 24 * 60 * 60 * 1000;

const validateTokenRequest = createValidator<TokenRequest>(TokenRequestSchema);

const UNAUTHORIZED = 'The request you have made requires authentication.';
const FORBIDDEN_VALIDATE = 'You are not authorized to perform the requested action: identity:validate_token.';

/** Keystone's time format: 2026-11-29T15:41:38.000000Z. */
const keystoneTime = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

/** Keystone role objects carry ids; ours derive from the name, so every node agrees. */
export const roleId = (name: string) =>
  createHash('sha256').update(`role:${name}`).digest('hex').slice(0, 32);

export interface CatalogOptions {
  /** The URL clients reach this server at; the catalog names it as the ddm and identity service. */
  baseUrl: string;
  region: string;
}

export interface IssuedToken {
  token: string;
  body: TokenBody;
}

export interface Keystone {
  issue(request: unknown, catalog: CatalogOptions, withCatalog: boolean): Promise<IssuedToken>;
  /**
   * The body of a valid subject token, for `GET /v3/auth/tokens`: a caller may validate its own
   * user's tokens; another user's only with a role in TOKEN_VALIDATOR_ROLES (else 403).
   */
  validate(
    callerToken: string | undefined,
    subjectToken: string | undefined,
    catalog: CatalogOptions,
    withCatalog: boolean,
  ): Promise<TokenBody>;
}

export function createKeystone(identity: IdentityStore, codec: TokenCodec, clock: Clock): Keystone {
  let decoy: Promise<string> | undefined;
  const decoyHash = () => (decoy ??= hashPassword(randomBytes(16).toString('hex')));
  async function domainOf(ref: { id?: string | undefined; name?: string | undefined } | undefined) {
    if (ref?.id !== undefined) return identity.findDomain({ id: ref.id });
    if (ref?.name !== undefined) return identity.findDomain({ name: ref.name });
    return undefined;
  }

  async function findUser(
    ref: TokenRequest['auth']['identity']['password']['user'],
  ): Promise<User | undefined> {
    if (ref.id !== undefined) return identity.findUser({ id: ref.id });
    if (ref.name === undefined) throw new KeystoneError(400, 'Expecting to find id or name in user.');
    const domain = await domainOf(ref.domain);
    return domain && identity.findUser({ name: ref.name, domainId: domain.id });
  }

  async function findProject(scope: TokenRequest['auth']['scope']): Promise<Project | null | undefined> {
    if (scope === undefined || scope === 'unscoped') return null;
    const ref = scope.project;
    if (ref.id !== undefined) return identity.findProject({ id: ref.id });
    if (ref.name === undefined) throw new KeystoneError(400, 'Expecting to find id or name in project.');
    const domain = await domainOf(ref.domain);
    return domain && identity.findProject({ name: ref.name, domainId: domain.id });
  }

  async function bodyFor(
    payload: TokenPayload,
    catalog: CatalogOptions,
    withCatalog: boolean,
  ): Promise<TokenBody> {
    const user = await identity.findUser({ id: payload.u });
    if (!user) throw new KeystoneError(404, 'Could not find token.');
    const userDomain = (await identity.findDomain({ id: user.domainId })) as Domain;
    const token: TokenBody['token'] = {
      methods: ['password'],
      user: { domain: userDomain, id: user.id, name: user.name, password_expires_at: null },
      audit_ids: [payload.a],
      expires_at: keystoneTime(payload.e),
      issued_at: keystoneTime(payload.i),
    };
    if (payload.p !== null) {
      const project = await identity.findProject({ id: payload.p });
      if (!project) throw new KeystoneError(404, 'Could not find token.');
      const projectDomain = (await identity.findDomain({ id: project.domainId })) as Domain;
      const roles = await identity.rolesOn(user.id, project.id);
      token.project = { domain: projectDomain, id: project.id, name: project.name };
      token.is_domain = false;
      token.roles = roles.map((name) => ({ id: roleId(name), name }));
      if (withCatalog) token.catalog = catalogFor(catalog);
    }
    return { token };
  }

  return {
    async issue(request, catalog, withCatalog) {
      const checked = validateTokenRequest(request);
      if (!checked.ok) throw new KeystoneError(400, `Invalid input for auth: ${checked.detail}`);
      const { identity: id, scope } = checked.value.auth;
      if (!id.methods.includes('password')) throw new KeystoneError(401, UNAUTHORIZED);
      const user = await findUser(id.password.user);
      // One answer, in the same time, for every way a password sign-in fails, so that names
      // cannot be probed: an unknown user's password is checked against a decoy hash.
      const verified = await verifyPassword(
        id.password.user.password,
        user?.passwordHash ?? (await decoyHash()),
      );
      if (!user || !verified || !user.enabled) throw new KeystoneError(401, UNAUTHORIZED);
      const project = await findProject(scope);
      if (project === undefined) throw new KeystoneError(401, UNAUTHORIZED);
      if (project !== null && (await identity.rolesOn(user.id, project.id)).length === 0) {
        throw new KeystoneError(401, UNAUTHORIZED);
      }
      const now = clock.now();
      const payload: TokenPayload = {
        u: user.id,
        p: project?.id ?? null,
        i: now,
        e: now + TOKEN_TTL_MS,
        v: user.tokenEpoch,
        a: randomBytes(16).toString('base64url').slice(0, 22),
      };
      return { token: codec.seal(payload), body: await bodyFor(payload, catalog, withCatalog) };
    },

    async validate(callerToken, subjectToken, catalog, withCatalog) {
      const caller = await checkToken(callerToken, codec, identity, clock);
      if (!caller.ok) throw new KeystoneError(401, UNAUTHORIZED);
      // Keystone's identity:validate_token, `admin_required or service_role or token_subject`.
      // The subject's user is read from the token itself (the cipher vouches for it, valid or
      // not). A caller without the roles gets 403 for any token not shown to be its own user's,
      // one that does not open included: so it learns nothing of another token, not even
      // whether it is valid. No subject at all is 404 for everyone: there is nothing to learn.
      const privileged = holdsAny(caller.principal.roles, TOKEN_VALIDATOR_ROLES);
      if (!privileged && subjectToken !== undefined) {
        const subjectUser = codec.open(subjectToken)?.u;
        if (subjectUser !== caller.principal.userId) throw new KeystoneError(403, FORBIDDEN_VALIDATE);
      }
      const subject = await checkToken(subjectToken, codec, identity, clock);
      if (!subject.ok) throw new KeystoneError(404, 'Could not find token.');
      return bodyFor(subject.principal.token as TokenPayload, catalog, withCatalog);
    },
  };
}

function catalogFor({ baseUrl, region }: CatalogOptions): NonNullable<TokenBody['token']['catalog']> {
  const entry = (type: string, name: string, url: string) => ({
    endpoints: ['public', 'internal', 'admin'].map((iface) => ({
      id: createHash('sha256').update(`${type}:${iface}:${url}`).digest('hex').slice(0, 32),
      interface: iface,
      region,
      region_id: region,
      url,
    })),
    id: createHash('sha256').update(`service:${type}`).digest('hex').slice(0, 32),
    type,
    name,
  });
  return [entry('identity', 'keystone', `${baseUrl}/v3`), entry('ddm', 'ddm', baseUrl)];
}

/** The version document Keystone answers at `/v3` (and, in a list, at `/`). */
export function versionDocument(baseUrl: string) {
  return {
    id: 'v3.14',
    status: 'stable',
    updated: '2020-04-07T00:00:00Z',
    links: [{ rel: 'self', href: `${baseUrl}/v3/` }],
    'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }],
  };
}
