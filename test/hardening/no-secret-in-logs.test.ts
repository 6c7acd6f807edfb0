import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '@ddm-jobs/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE_KEY } from '../aksk/fixture.js';
import { PASSWORD, PROJECT_A, startTestServer, type TestServer } from '../support/harness.js';
import { passwordSignIn } from '../support/keystone-body.js';
import { scanLog } from '../support/log-scan.js';
import { runLogDir } from '../support/run-logs.js';

// "No secret ever in logs" (SECURITY.md): the run's teardown scans every log line of the run
// (test/support/log-scan.ts). These pin the parts it relies on: the scanner finds what it must,
// the server's logger redacts credentials handed to it, and the harness's servers do log there.

describe('the log scanner', () => {
  it('finds a fixture secret, a token, a password field, a secret key field and a credential header', () => {
    const token = `AQ${'x'.repeat(200)}`;
    const lines = [
      `{"msg":"sign-in","note":"${PASSWORD}"}`,
      `{"msg":"request","t":"${token}"}`,
      '{"body":{"password":"hunter2"}}',
      '{"credential":{"secret_key":"abc"}}',
      '{"req":{"headers":{"x-auth-token":"abc"}}}',
      `{"key":"${ALICE_KEY.sk}"}`,
      'gAAAAABmZ3Q0aW5nLWEtZmVybmV0LXRva2VuLWxvb2tpbmctdmFsdWU',
    ];
    const found = scanLog('x.log', lines.join('\n'));
    expect(new Set(found.map((f) => f.line))).toEqual(new Set([1, 2, 3, 4, 5, 6, 7]));
  });

  it('leaves request lines, ids and redacted values alone', () => {
    const lines = [
      '{"level":30,"service":"ddm-jobs","req_id":"5f0c1c1e-8f1a-4f7e-9a53-1d2b3c4d5e6f","method":"GET","route":"/v3/:project_id/jobs","status":200,"duration_ms":1.2,"msg":"request"}',
      '{"req":{"headers":{"x-auth-token":"[Redacted]"}},"body":{"password":"[Redacted]"}}',
      `{"project":"${PROJECT_A}","job":"92370d30-3ddc-4e05-b8ab-51662d824318"}`,
      // The start-up note's curl example names the password by a shell variable.
      `  TOKEN=$(curl -si http://127.0.0.1:8080/v3/auth/tokens -d '{"password":"'"$PASSWORD"'"}')`,
    ];
    expect(scanLog('x.log', lines.join('\n'))).toEqual([]);
  });
});

describe("the server's logger", () => {
  it('redacts credential headers, passwords and secret keys handed to it', () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => lines.push(line) });
    logger.info(
      {
        req: {
          headers: {
            'x-auth-token': 'tok-1',
            'x-subject-token': 'tok-2',
            authorization: 'SDK-HMAC-SHA256 x',
          },
        },
        body: { auth: { identity: { password: { user: { name: 'alice', password: PASSWORD } } } } },
        credential: { secret_key: ALICE_KEY.sk },
        password: PASSWORD,
      },
      'careless',
    );
    expect(lines).toHaveLength(1);
    for (const secret of ['tok-1', 'tok-2', 'SDK-HMAC', PASSWORD, ALICE_KEY.sk])
      expect(lines[0]).not.toContain(secret);
    expect(lines[0]).toContain('[Redacted]');
    expect(scanLog('x.log', lines.join(''))).toEqual([]);
  });
});

describe("the harness's servers", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it("log each request to the run's log folder, and a sign-in and its token's use leave no secret there", async () => {
    const dir = runLogDir();
    expect(dir, 'the globalSetup names the log folder').toBeTruthy();
    const signIn = await server.app.inject({
      method: 'POST',
      url: '/v3/auth/tokens',
      payload: passwordSignIn({ name: 'alice', password: PASSWORD }, PROJECT_A),
    });
    expect(signIn.statusCode).toBe(201);
    const token = signIn.headers['x-subject-token'] as string;
    // The scanner knows a real token by its shape, whatever the fixtures.
    expect(scanLog('probe.log', `{"t":"${token}"}`, []).map((f) => f.what)).toEqual(['a ddm-jobs token']);
    const now = server.clock.now();
    const list = await server.app.inject({
      url: `/v3/${PROJECT_A}/jobs?start_time=${now - 60_000}&end_time=${now}`,
      headers: { 'x-auth-token': token },
    });
    expect(list.statusCode).toBe(200);

    const file = join(dir as string, `harness-${process.pid}.log`);
    expect(existsSync(file)).toBe(true);
    const text = readFileSync(file, 'utf8');
    const mine = text.split('\n').filter((line) => line.includes(signIn.headers['x-request-id'] as string));
    expect(mine).toHaveLength(1);
    expect(JSON.parse(mine[0] as string)).toMatchObject({
      route: '/v3/auth/tokens',
      status: 201,
      msg: 'request',
    });
    expect(text).not.toContain(token);
    expect(scanLog(file, text)).toEqual([]);
  });
});
