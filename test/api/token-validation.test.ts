import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Answer, DAY } from '../support/api.js';
import {
  FIXTURE_IDENTITIES,
  PASSWORD,
  PROJECT_A,
  PROJECT_B,
  startTestServer,
  type TestServer,
} from '../support/harness.js';
import { passwordAuth } from '../support/keystone-body.js';

/**
 * Who may validate which token at `GET /v3/auth/tokens` (and HEAD), as in Keystone's default
 * policy for identity:validate_token: a token may validate its own user's tokens; another user's
 * needs the role `admin` or `service` on the caller's project. Anyone else gets 403 whatever the
 * subject is, so that it learns nothing of another token, not even whether it is valid.
 */

const FORBIDDEN = JSON.stringify({
  error: {
    code: 403,
    title: 'Forbidden',
    message: 'You are not authorized to perform the requested action: identity:validate_token.',
  },
});
const NOT_FOUND = JSON.stringify({
  error: { code: 404, title: 'Not Found', message: 'Could not find token.' },
});

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({
    bootstrap: {
      ...FIXTURE_IDENTITIES,
      users: [
        ...(FIXTURE_IDENTITIES.users ?? []),
        // The tenant who tried it: te_admin of its own project, nothing more.
        { name: 'mallory', password: PASSWORD, roles: [{ project: 'project-b', roles: ['te_admin'] }] },
        // An identity administrator, Keystone's `admin` role.
        { name: 'ada', password: PASSWORD, roles: [{ project: 'project-b', roles: ['admin'] }] },
        { name: 'reader', password: PASSWORD, roles: [{ project: 'project-a', roles: ['readonly'] }] },
      ],
    },
  });
});
afterAll(() => server.close());

const validate = (caller: string | undefined, subject: string | undefined, method: 'GET' | 'HEAD' = 'GET') =>
  server.app.inject({
    method,
    url: '/v3/auth/tokens',
    headers: {
      ...(caller === undefined ? {} : { 'x-auth-token': caller }),
      ...(subject === undefined ? {} : { 'x-subject-token': subject }),
    },
  });

/** A fresh token (not the harness's cached one), scoped to `project` or unscoped. */
async function signIn(name: string, project?: string): Promise<string> {
  const response = await server.app.inject({
    method: 'POST',
    url: '/v3/auth/tokens',
    payload: passwordAuth(
      { name, domain: { name: 'default' }, password: PASSWORD },
      project === undefined ? undefined : { project: { id: project } },
    ),
  });
  expect(response.statusCode, response.body).toBe(201);
  return String(response.headers['x-subject-token']);
}

const userOf = (response: Answer) => response.json().token.user.name as string;

describe('validating another user’s token', () => {
  it('is 403 for a tenant without admin or service, and the answer tells nothing of the token', async () => {
    const admin = await server.tokenFor('alice');
    const mallory = await signIn('mallory', PROJECT_B);
    for (const method of ['GET', 'HEAD'] as const) {
      const response = await validate(mallory, admin, method);
      expect(response.statusCode).toBe(403);
      expect(response.headers['x-subject-token']).toBeUndefined();
      if (method === 'GET') expect(response.body).toBe(FORBIDDEN);
    }
  });

  it('is 403 for a readonly user and for a te_admin of the same project', async () => {
    const reader = await signIn('reader', PROJECT_A);
    const alice = await server.tokenFor('alice');
    expect((await validate(reader, alice)).statusCode).toBe(403);
    expect((await validate(alice, reader)).statusCode).toBe(403);
  });

  it('is 200 with the subject’s body for a caller with admin or service', async () => {
    const mallory = await signIn('mallory', PROJECT_B);
    for (const caller of [await signIn('ada', PROJECT_B), await server.tokenFor('worker')]) {
      const response = await validate(caller, mallory);
      expect(response.statusCode, response.body).toBe(200);
      expect(response.headers['x-subject-token']).toBe(mallory);
      expect(userOf(response)).toBe('mallory');
      expect((await validate(caller, mallory, 'HEAD')).statusCode).toBe(200);
    }
  });

  it('does not tell an unprivileged caller whether a token is valid: garbage and expired are 403 too', async () => {
    const othersExpired = await signIn('alice', PROJECT_A);
    server.clock.advance(DAY + 1000);
    const mallory = await signIn('mallory', PROJECT_B);
    for (const subject of [othersExpired, 'garbage', '']) {
      const response = await validate(mallory, subject);
      expect(response.statusCode, subject).toBe(403);
      expect(response.body).toBe(FORBIDDEN);
    }
    // A caller allowed to validate anyone's token is told: not found.
    const worker = await server.tokenFor('worker');
    for (const subject of [othersExpired, 'garbage'])
      expect((await validate(worker, subject)).body).toBe(NOT_FOUND);
  });
});

describe('validating one’s own token', () => {
  it('is 200 for any valid token of the caller’s user, scoped or not, by GET and by HEAD', async () => {
    const mallory = await signIn('mallory', PROJECT_B);
    const again = await signIn('mallory', PROJECT_B);
    const unscoped = await signIn('mallory');
    for (const [caller, subject] of [
      [mallory, mallory],
      [mallory, again],
      [unscoped, mallory],
      [unscoped, unscoped],
    ] as const) {
      const response = await validate(caller, subject);
      expect(response.statusCode, response.body).toBe(200);
      expect(userOf(response)).toBe('mallory');
      expect((await validate(caller, subject, 'HEAD')).statusCode).toBe(200);
    }
  });

  it('is 404 for the caller’s own expired token, and 404 with no subject at all', async () => {
    const old = await signIn('reader', PROJECT_A);
    server.clock.advance(DAY + 1000);
    const current = await signIn('reader', PROJECT_A);
    expect((await validate(current, old)).body).toBe(NOT_FOUND);
    expect((await validate(current, undefined)).body).toBe(NOT_FOUND);
  });

  it('is 401 for a missing or bad caller token, before anything about the subject', async () => {
    const subject = await signIn('mallory', PROJECT_B);
    for (const caller of [undefined, 'garbage'])
      expect((await validate(caller, subject)).statusCode).toBe(401);
  });
});
