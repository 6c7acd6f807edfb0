import { join } from 'node:path';
import { buildApp, openCredentialVault } from '@ddm-jobs/server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestStore, PROJECT_A, type TestServer } from '../support/harness.js';
import { sdkSign } from '../support/sdk-signer.js';
import { ALICE_KEY, startSignedServer } from './fixture.js';

let server: TestServer;
beforeEach(async () => {
  server = await startSignedServer();
});
afterEach(() => server.close());

const MINUTE = 60_000;
const request = () =>
  sdkSign(
    {
      method: 'GET',
      path: `/v3/${PROJECT_A}/jobs`,
      query: [
        ['start_time', String(server.clock.now() - MINUTE)],
        ['end_time', String(server.clock.now())],
      ],
    },
    ALICE_KEY,
    server.clock.now(),
  );
const signed = (app = server.app) => app.inject({ method: 'GET', ...request() });
const badlySigned = () => {
  const { url, headers } = request();
  return server.app.inject({
    method: 'GET',
    url,
    headers: { ...headers, Authorization: headers.Authorization?.replace('Signature=', 'Signature=not-hex') },
  });
};
// The first hex digit of a signature is '0' one time in 16: flip it to a value that differs.
const failOnce = async () => {
  const { url, headers } = request();
  const auth = headers.Authorization as string;
  const last = auth.slice(-1) === '0' ? '1' : '0';
  const response = await server.app.inject({
    method: 'GET',
    url,
    headers: { ...headers, Authorization: auth.slice(0, -1) + last },
  });
  expect(response.statusCode).toBe(401);
};

describe('lockout of an access key after failed signatures', () => {
  it('still accepts a correct signature after 5 failures within 5 minutes', async () => {
    for (let i = 0; i < 5; i++) await failOnce();
    expect((await signed()).statusCode).toBe(200);
  });

  it('locks the key for 5 minutes after the 6th failure, even with a correct signature', async () => {
    for (let i = 0; i < 6; i++) {
      await failOnce();
      server.realClock.advance(10_000);
    }
    const locked = await signed();
    expect(locked.statusCode).toBe(401);
    expect(locked.json().error_code).toBe('APIGW.0301');
    server.realClock.advance(5 * MINUTE - 10_000);
    expect((await signed()).statusCode).toBe(200);
  });

  it('counts only the failures of the last 5 minutes', async () => {
    for (let i = 0; i < 5; i++) await failOnce();
    server.realClock.advance(5 * MINUTE + 1);
    await failOnce();
    expect((await signed()).statusCode).toBe(200);
  });

  it('locks the key on every node sharing the database', async () => {
    const peerStore = await openTestStore(server.dataDir);
    const peer = await buildApp({
      store: peerStore,
      clock: server.clock,
      realClock: server.realClock,
      credentialVault: openCredentialVault(join(server.dataDir, 'credential.key')),
    });
    try {
      expect((await signed(peer)).statusCode).toBe(200);
      for (let i = 0; i < 6; i++) await failOnce();
      expect((await signed(peer)).statusCode).toBe(401);
    } finally {
      await peer.close();
      await peerStore.close();
    }
  });

  it('follows real time, not the virtual clock: a stopped clock does not keep the key locked', async () => {
    for (let i = 0; i < 6; i++) await failOnce();
    // The emulator's clock moved an hour: the lock, counted in real time, still holds.
    server.clock.advance(60 * MINUTE);
    expect((await signed()).statusCode).toBe(401);
    // Five real minutes later it is lifted, though the virtual clock has not moved since.
    server.realClock.advance(5 * MINUTE);
    expect((await signed()).statusCode).toBe(200);
  });

  it('does not lock on a malformed Authorization header', async () => {
    for (let i = 0; i < 8; i++) expect((await badlySigned()).statusCode).toBe(401);
    expect((await signed()).statusCode).toBe(200);
  });
});
