import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CREDENTIAL_KEY_FILE, rotateCredentialKey } from '@ddm-jobs/server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PROJECT_A, type TestServer } from '../support/harness.js';
import { sdkSign } from '../support/sdk-signer.js';
import { ALICE_KEY, startSignedServer } from './fixture.js';

let server: TestServer;
beforeEach(async () => {
  server = await startSignedServer();
});
afterEach(() => server.close());

const readOne = () =>
  server.app.inject({
    method: 'GET',
    ...sdkSign(
      { method: 'GET', path: `/v3/${PROJECT_A}/jobs/0b0c0d0e-0000-4000-8000-000000000001` },
      ALICE_KEY,
      server.clock.now(),
    ),
  });

describe('the credential key', () => {
  it('is created on first need in the data folder, readable by its owner only', () => {
    const file = join(server.dataDir, CREDENTIAL_KEY_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64')).toHaveLength(32);
  });

  it('rotates under a running server, which keeps verifying signatures without a restart', async () => {
    expect((await readOne()).statusCode).toBe(404);
    const file = join(server.dataDir, CREDENTIAL_KEY_FILE);
    const before = readFileSync(file, 'utf8');
    expect(await rotateCredentialKey(file, (change) => server.store.resealCredentials(change))).toBe(2);
    expect(readFileSync(file, 'utf8')).not.toBe(before);
    expect((await readOne()).statusCode).toBe(404);
  });

  it('refuses every signature when the key file no longer holds the key that sealed them', async () => {
    // A rotation that re-sealed nothing stands for a wrong key file: the secrets do not open.
    await rotateCredentialKey(join(server.dataDir, CREDENTIAL_KEY_FILE), async () => 0);
    const response = await readOne();
    expect(response.statusCode).toBe(401);
  });
});
