import { applyBootstrap } from '@ddm-jobs/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Answer, listUrl } from '../support/api.js';
import { PASSWORD, PROJECT_A, PROJECT_B, startTestServer, type TestServer } from '../support/harness.js';
import { passwordAuth, type UserRef } from '../support/keystone-body.js';

/** Reference section 7: the Keystone v3 identity API that hands out tokens. */

const UNAUTHORIZED = JSON.stringify({
  error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' },
});
const badRequest = (message: string) =>
  JSON.stringify({ error: { code: 400, title: 'Bad Request', message } });

const alice = (password = PASSWORD): UserRef => ({ name: 'alice', domain: { name: 'default' }, password });

describe('the Keystone identity API', () => {
  let server: TestServer;
  let aliceId: string;
  /** One sign-in of alice scoped to project A, which several tests inspect. */
  let issued: Answer;

  const issue = (payload: unknown, url = '/v3/auth/tokens') =>
    server.app.inject({
      method: 'POST',
      url,
      ...(typeof payload === 'string'
        ? { payload, headers: { 'content-type': 'application/json' } }
        : { payload: payload as object }),
    });

  beforeAll(async () => {
    server = await startTestServer();
    await applyBootstrap(
      server.store,
      {
        users: [
          {
            name: 'gina',
            password: PASSWORD,
            enabled: false,
            roles: [{ project: 'project-a', roles: ['te_admin'] }],
          },
        ],
      },
      server.clock,
    );
    aliceId = (await server.store.findUser({ name: 'alice', domainId: 'default' }))?.id as string;
    issued = await issue(passwordAuth(alice(), { project: { id: PROJECT_A } }));
  });
  afterAll(() => server.close());

  describe('POST /v3/auth/tokens', () => {
    it('issues a project token by user name and domain name: 201, X-Subject-Token and the token body', async () => {
      const response = issued;
      expect(response.statusCode).toBe(201);
      const token = response.headers['x-subject-token'];
      expect(token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
      const body = response.json().token;
      expect(Object.keys(body)).toEqual([
        'methods',
        'user',
        'audit_ids',
        'expires_at',
        'issued_at',
        'project',
        'is_domain',
        'roles',
        'catalog',
      ]);
      expect(body.methods).toEqual(['password']);
      expect(body.user).toEqual({
        domain: { id: 'default', name: 'default' },
        id: aliceId,
        name: 'alice',
        password_expires_at: null,
      });
      expect(body.project).toEqual({
        domain: { id: 'default', name: 'default' },
        id: PROJECT_A,
        name: 'project-a',
      });
      expect(body.roles).toEqual([{ id: expect.stringMatching(/^[0-9a-f]{32}$/), name: 'te_admin' }]);
      // The ManualClock's now and 24 hours later, in Keystone's format.
      expect(body.issued_at).toBe('2026-11-28T12:00:00.000000Z');
      expect(body.expires_at).toBe('2026-11-29T12:00:00.000000Z');
    });

    it('lists the ddm service and the identity service in the catalog', async () => {
      const body = issued.json().token;
      const services = body.catalog.map((entry: { type: string; name: string }) => [entry.type, entry.name]);
      expect(services).toEqual([
        ['identity', 'keystone'],
        ['ddm', 'ddm'],
      ]);
      const ddm = body.catalog.find((entry: { type: string }) => entry.type === 'ddm');
      expect(ddm.endpoints.map((e: { interface: string; url: string }) => [e.interface, e.url])).toEqual([
        ['public', 'http://localhost:80'],
        ['internal', 'http://localhost:80'],
        ['admin', 'http://localhost:80'],
      ]);
    });

    it('leaves the catalog out when asked with ?nocatalog', async () => {
      const body = (
        await issue(passwordAuth(alice(), { project: { id: PROJECT_A } }), '/v3/auth/tokens?nocatalog')
      ).json().token;
      expect(body.catalog).toBeUndefined();
      expect(body.project.id).toBe(PROJECT_A);
    });

    it('issues a token by user id', async () => {
      const response = await issue(
        passwordAuth({ id: aliceId, password: PASSWORD }, { project: { id: PROJECT_A } }),
      );
      expect(response.statusCode).toBe(201);
      expect(response.json().token.user.id).toBe(aliceId);
    });

    it('issues a token by user name and domain id', async () => {
      const response = await issue(
        passwordAuth(
          { name: 'alice', domain: { id: 'default' }, password: PASSWORD },
          { project: { id: PROJECT_A } },
        ),
      );
      expect(response.statusCode).toBe(201);
    });

    it('scopes a token by project name and domain name', async () => {
      const response = await issue(
        passwordAuth(alice(), { project: { name: 'project-a', domain: { name: 'default' } } }),
      );
      expect(response.statusCode).toBe(201);
      expect(response.json().token.project.id).toBe(PROJECT_A);
    });

    it('issues a token that lists the tasks of its project', async () => {
      const response = issued;
      const now = server.clock.now();
      const listed = await server.app.inject({
        url: listUrl(PROJECT_A, { start_time: now - 1000, end_time: now }),
        headers: { 'x-auth-token': String(response.headers['x-subject-token']) },
      });
      expect(listed.statusCode).toBe(200);
    });

    it('issues an unscoped token without project, roles or catalog', async () => {
      const response = await issue(passwordAuth(alice()));
      expect(response.statusCode).toBe(201);
      expect(Object.keys(response.json().token)).toEqual([
        'methods',
        'user',
        'audit_ids',
        'expires_at',
        'issued_at',
      ]);
    });

    it.each([
      ['a wrong password', passwordAuth(alice('wrong'), { project: { id: PROJECT_A } })],
      [
        'an unknown user',
        passwordAuth(
          { name: 'mallory', domain: { name: 'default' }, password: PASSWORD },
          { project: { id: PROJECT_A } },
        ),
      ],
      [
        'an unknown user id',
        passwordAuth({ id: 'f'.repeat(32), password: PASSWORD }, { project: { id: PROJECT_A } }),
      ],
      [
        'an unknown domain',
        passwordAuth(
          { name: 'alice', domain: { name: 'elsewhere' }, password: PASSWORD },
          { project: { id: PROJECT_A } },
        ),
      ],
      [
        'a disabled user with the right password',
        passwordAuth(
          { name: 'gina', domain: { name: 'default' }, password: PASSWORD },
          { project: { id: PROJECT_A } },
        ),
      ],
      ['a project where the user has no role', passwordAuth(alice(), { project: { id: PROJECT_B } })],
      ['an unknown project', passwordAuth(alice(), { project: { id: 'nope' } })],
      [
        'a method other than password',
        { auth: { identity: { methods: ['token'], password: { user: alice() } } } },
      ],
    ])('answers %s with 401 in Keystone shape', async (_what, payload) => {
      const response = await issue(payload);
      expect(response.statusCode).toBe(401);
      expect(response.body).toBe(UNAUTHORIZED);
      expect(response.headers['x-subject-token']).toBeUndefined();
    });

    it.each([
      ['an empty object', {}, 'Invalid input for auth: auth is required.'],
      [
        'a password of the wrong type',
        passwordAuth({ name: 'alice', domain: { name: 'default' }, password: 5 }),
        expect.stringMatching(/^Invalid input for auth: auth\.identity\.password\.user\.password /),
      ],
      [
        'a user with neither id nor name',
        passwordAuth({ password: PASSWORD }),
        'Expecting to find id or name in user.',
      ],
      [
        'a project with neither id nor name',
        passwordAuth(alice(), { project: {} }),
        'Expecting to find id or name in project.',
      ],
    ])('answers %s with 400 in Keystone shape', async (_what, payload, message) => {
      const response = await issue(payload);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ error: { code: 400, title: 'Bad Request', message } });
    });

    it('answers a body that is not JSON with 400 in Keystone shape', async () => {
      const response = await issue('{"auth": ');
      expect(response.statusCode).toBe(400);
      expect(response.body).toBe(badRequest('Expecting to find valid JSON in request body.'));
    });
  });

  describe('GET /v3/auth/tokens', () => {
    const validate = async (caller: string | undefined, subject: string | undefined) =>
      server.app.inject({
        url: '/v3/auth/tokens',
        headers: {
          ...(caller === undefined ? {} : { 'x-auth-token': caller }),
          ...(subject === undefined ? {} : { 'x-subject-token': subject }),
        },
      });

    // Another user's token, validated by a caller with the role service (token-validation.test.ts
    // holds who else may).
    it('answers a valid subject token with 200, its body and the token in X-Subject-Token', async () => {
      const subject = await server.tokenFor('bob');
      const response = await validate(await server.tokenFor('worker'), subject);
      expect(response.statusCode).toBe(200);
      expect(response.headers['x-subject-token']).toBe(subject);
      const body = response.json().token;
      expect([body.user.name, body.project.id, body.roles.map((r: { name: string }) => r.name)]).toEqual([
        'bob',
        PROJECT_B,
        ['readonly'],
      ]);
    });

    it('answers an invalid subject token with 404 in Keystone shape', async () => {
      const response = await validate(await server.tokenFor('worker'), 'garbage');
      expect(response.statusCode).toBe(404);
      expect(response.body).toBe(
        JSON.stringify({ error: { code: 404, title: 'Not Found', message: 'Could not find token.' } }),
      );
    });

    it('answers a missing subject token with 404 in Keystone shape', async () => {
      const response = await validate(await server.tokenFor('alice'), undefined);
      expect(response.statusCode).toBe(404);
    });

    it('answers a missing or invalid caller token with 401 in Keystone shape', async () => {
      const subject = await server.tokenFor('bob');
      for (const caller of [undefined, 'garbage']) {
        const response = await validate(caller, subject);
        expect(response.statusCode).toBe(401);
        expect(response.body).toBe(UNAUTHORIZED);
      }
    });
  });

  describe('version discovery', () => {
    const v3 = {
      id: 'v3.14',
      status: 'stable',
      updated: '2020-04-07T00:00:00Z',
      links: [{ rel: 'self', href: 'http://localhost:80/v3/' }],
      'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }],
    };

    it('answers GET / with 300 and the list of versions', async () => {
      const response = await server.app.inject({ url: '/' });
      expect(response.statusCode).toBe(300);
      expect(response.json()).toEqual({ versions: { values: [v3] } });
    });

    it('answers GET /v3 with the version document', async () => {
      const response = await server.app.inject({ url: '/v3' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ version: v3 });
    });
  });
});
