import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  applyBootstrap,
  type BootstrapFile,
  openCredentialVault,
  openSqliteStore,
  type Store,
} from '@ddm-jobs/server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../support/harness.js';

const AK = 'HPUAEXAMPLEAK0000001';
const SK = 'exampleSecretKey0123456789abcdefghijklmn';
const fileWith = (user: string, sk = SK, enabled = true): BootstrapFile => ({
  users: [
    { name: 'alice', password: 'p' },
    { name: 'bob', password: 'p' },
  ].map((u) => (u.name === user ? { ...u, credentials: [{ access_key: AK, secret_key: sk, enabled }] } : u)),
});

let dir: string;
let store: Store;
const clock = new ManualClock();
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ddm-jobs-bootstrap-'));
  store = openSqliteStore({ dataDir: dir });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('credentials in the bootstrap file', () => {
  it('creates the declared pair, and the file wins for its secret key and enabled flag', async () => {
    const vault = openCredentialVault(join(dir, 'credential.key'));
    await applyBootstrap(store, fileWith('alice'), clock, vault);
    const created = await store.findCredential(AK);
    expect(vault.open(AK, created?.sealedSecret as Buffer)).toBe(SK);
    await applyBootstrap(store, fileWith('alice'), clock, vault);
    expect((await store.findCredential(AK))?.sealedSecret).toEqual(created?.sealedSecret);
    const other = `${SK.slice(0, 39)}X`;
    await applyBootstrap(store, fileWith('alice', other, false), clock, vault);
    const changed = await store.findCredential(AK);
    expect([vault.open(AK, changed?.sealedSecret as Buffer), changed?.enabled]).toEqual([other, false]);
  });

  it('stops on a key that belongs to another user, or with no key file', async () => {
    const vault = openCredentialVault(join(dir, 'credential.key'));
    await applyBootstrap(store, fileWith('alice'), clock, vault);
    await expect(applyBootstrap(store, fileWith('bob'), clock, vault)).rejects.toThrow(
      /belongs to another user/,
    );
    await expect(applyBootstrap(store, fileWith('alice'), clock)).rejects.toThrow(/no credential key file/);
  });
});
