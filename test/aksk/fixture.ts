import { FIXTURE_IDENTITIES, PASSWORD, startTestServer, type TestServer } from '../support/harness.js';

/** Access-key pairs of the fixture users: alice (tenant of project A) and worker (service). */
export const ALICE_KEY = { ak: 'ALICEAK0000000000001', sk: 'aliceSecretKey0123456789abcdefghijklmnop' };
export const WORKER_KEY = { ak: 'WORKERAK000000000001', sk: 'workerSecretKey0123456789abcdefghijklmno' };

/** The API fixture, with the pairs declared in the bootstrap file as a test author would. */
export function startSignedServer(options: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const users = (FIXTURE_IDENTITIES.users ?? []).map((user) => {
    const key = user.name === 'alice' ? ALICE_KEY : user.name === 'worker' ? WORKER_KEY : undefined;
    return key ? { ...user, credentials: [{ access_key: key.ak, secret_key: key.sk }] } : user;
  });
  return startTestServer({ ...options, bootstrap: { ...FIXTURE_IDENTITIES, users } });
}

export { PASSWORD };
