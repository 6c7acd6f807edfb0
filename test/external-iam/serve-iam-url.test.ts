import { afterEach, describe, expect, it } from 'vitest';
import {
  ADMIN_PASSWORD,
  ddmJobs,
  listJobs,
  servers,
  signIn,
  tempDirs,
  tokenFor,
} from '../cli/cli-process.js';
import { stopServer } from '../support/processes.js';
import { iamFixtures } from './iam-process.js';

// `ddm-jobs serve --iam-url`: two real processes, the IAM and the server it vouches for.

const fixtures = iamFixtures();
const dirs = tempDirs();
const running = servers();
afterEach(async () => {
  await running.stopAll();
  await fixtures.cleanUp();
  dirs.removeAll();
});

describe('ddm-jobs serve --iam-url', () => {
  it("accepts the IAM's tokens, issues none itself, and refuses new tokens once the IAM is down", async () => {
    const iam = await fixtures.startIam();
    const served = await running.start(dirs.make(), ['--iam-url', `${iam.server.url}/`]);
    expect(served.output()).toContain(`Tokens are validated by the IAM at ${iam.server.url}`);

    const token = await iam.adminToken();
    expect((await listJobs(served.url, iam.projectId, token)).status).toBe(200);
    // Its own first-start admin cannot sign in here: this server issues no tokens.
    expect((await signIn(served.url, { name: 'admin', password: ADMIN_PASSWORD })).status).toBe(404);

    const unseen = await tokenFor(iam.server.url, { name: 'admin', password: ADMIN_PASSWORD }, iam.projectId);
    await stopServer(iam.server.child);
    const refused = await listJobs(served.url, iam.projectId, unseen);
    expect(refused.status).toBe(401);
    expect(refused.body.error_code).toBe('APIGW.0301');
  });

  it('refuses an --iam-url that is not an http(s) URL', async () => {
    const result = await ddmJobs(['serve', '--data-dir', dirs.make(), '--iam-url', 'iam.example.com']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("option '--iam-url <url>' argument 'iam.example.com' is invalid");
  });
});
