import { afterEach, describe, expect, it } from 'vitest';
import {
  ADMIN_PASSWORD,
  iam,
  iamList,
  listJobs,
  servers,
  signIn,
  tempDirs,
  tokenFor,
} from './cli-process.js';

// `ddm-jobs iam` on the data folder of a running server: the server sees each change at the
// next request, for tokens it issued before the change too.

const dirs = tempDirs();
const running = servers();
afterEach(async () => {
  await running.stopAll();
  dirs.removeAll();
});

const admin = { name: 'admin', password: ADMIN_PASSWORD };

/** A server on a fresh folder (so with the first-start admin), and the default project's id. */
async function liveServer() {
  const dir = dirs.make();
  const { url } = await running.start(dir);
  const [project] = await iamList<{ id: string; name: string }>(dir, ['project', 'list']);
  if (project?.name !== 'default') throw new Error('no project default');
  return { dir, url, projectId: project.id };
}

describe('ddm-jobs iam while the server runs', () => {
  it('disabling a user ends its token at once (401 APIGW.0307), enabling lets it sign in again', async () => {
    const { dir, url, projectId } = await liveServer();
    const token = await tokenFor(url, admin, projectId);
    expect((await listJobs(url, projectId, token)).status).toBe(200);

    await iam(dir, ['user', 'disable', 'admin']);
    const refused = await listJobs(url, projectId, token);
    expect(refused.status).toBe(401);
    expect(refused.body.error_code).toBe('APIGW.0307');
    expect((await signIn(url, admin, projectId)).status).toBe(401);

    await iam(dir, ['user', 'enable', 'admin']);
    const fresh = await tokenFor(url, admin, projectId);
    expect((await listJobs(url, projectId, fresh)).status).toBe(200);
  });

  it('setting a password ends the tokens issued with the old one; the new one signs in', async () => {
    const { dir, url, projectId } = await liveServer();
    const old = await tokenFor(url, admin, projectId);

    await iam(dir, ['user', 'set-password', 'admin', '--password-stdin'], 'the new admin password\n');
    const refused = await listJobs(url, projectId, old);
    expect(refused.status).toBe(401);
    expect(refused.body.error_code).toBe('APIGW.0307');
    expect((await signIn(url, admin, projectId)).status).toBe(401);

    const renewed = await tokenFor(url, { name: 'admin', password: 'the new admin password' }, projectId);
    expect((await listJobs(url, projectId, renewed)).status).toBe(200);
  });

  it('revoking the last role on a project makes its token 403 APIGW.0302', async () => {
    const { dir, url, projectId } = await liveServer();
    const token = await tokenFor(url, admin, projectId);

    await iam(dir, ['role', 'revoke', 'te_admin', '--user', 'admin', '--project', 'default']);
    expect((await listJobs(url, projectId, token)).status).toBe(200); // still has service

    await iam(dir, ['role', 'revoke', 'service', '--user', 'admin', '--project', 'default']);
    const refused = await listJobs(url, projectId, token);
    expect(refused.status).toBe(403);
    expect(refused.body.error_code).toBe('APIGW.0302');
    expect((await signIn(url, admin, projectId)).status).toBe(401);
  });

  it('deleting a user ends its token at once (401 APIGW.0307)', async () => {
    const { dir, url, projectId } = await liveServer();
    await iam(dir, ['user', 'create', 'alice', '--password', 'alice password']);
    await iam(dir, ['role', 'grant', 'readonly', '--user', 'alice', '--project', 'default']);
    const token = await tokenFor(url, { name: 'alice', password: 'alice password' }, projectId);
    expect((await listJobs(url, projectId, token)).status).toBe(200);

    await iam(dir, ['user', 'delete', 'alice']);
    const refused = await listJobs(url, projectId, token);
    expect(refused.status).toBe(401);
    expect(refused.body.error_code).toBe('APIGW.0307');
  });

  it('a user created with a generated password signs in with it, on a project granted while running', async () => {
    const { dir, url } = await liveServer();
    await iam(dir, ['project', 'create', 'tenant-a', '--id', '619d3e78f61b4be68bc5aa0b59edcf7b']);
    const out = await iam(dir, ['user', 'create', 'alice']);
    const password = /^generated password \(shown this once\): (\S+)$/m.exec(out)?.[1] as string;
    expect(password).toBeTruthy();
    const alice = { name: 'alice', password };
    expect((await signIn(url, alice, '619d3e78f61b4be68bc5aa0b59edcf7b')).status).toBe(401); // no role yet

    await iam(dir, ['role', 'grant', 'te_admin', '--user', 'alice', '--project', 'tenant-a']);
    const token = await tokenFor(url, alice, '619d3e78f61b4be68bc5aa0b59edcf7b');
    const listed = await listJobs(url, '619d3e78f61b4be68bc5aa0b59edcf7b', token);
    expect(listed.status).toBe(200);
    expect(listed.body.total).toBe(0);
    expect((await signIn(url, { name: 'alice', password: `${password}x` })).status).toBe(401);
  });
});
