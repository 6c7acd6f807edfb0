import { type ChildProcess, spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { startServe, stopProcess } from '../../scripts/serve-process.js';
import { passwordAuth } from '../support/keystone-body.js';
import { CLI, envWithout, REPO } from '../support/processes.js';
import { keepProcessLog } from '../support/run-logs.js';
import { ADMIN_PASSWORD, tempDirs } from './cli-process.js';

/**
 * `--log-format`, in real processes: JSON lines for machines, every stdout line a record, and the
 * generated admin password on stderr only; readable lines for people, none of them JSON; and the
 * default chosen by whether stdout is a terminal (pretty) or not (json).
 */

const dirs = tempDirs();
const children = new Set<ChildProcess>();
afterEach(async () => {
  await Promise.all([...children].map((child) => stopProcess(child)));
  children.clear();
  dirs.removeAll();
});

const parses = (line: string) => {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
};
const lines = (text: string) => text.split(/\r?\n/).filter((line) => line !== '');

/** Starts `ddm-jobs serve ARGS` with its stdout and stderr collected apart. */
async function serve(args: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const server = await startServe({
    args: ['--port', '0', '--data-dir', dirs.make(), '--no-demo', '--log-level', 'info', ...args],
    env,
    spawned(child) {
      children.add(child);
      keepProcessLog(child, 'serve-log-format');
      child.stdout?.on('data', (chunk) => {
        stdout += chunk;
      });
      child.stderr?.on('data', (chunk) => {
        stderr += chunk;
      });
    },
  });
  return { url: server.url, stdout: () => stdout, stderr: () => stderr };
}

/** GET /v3 and its request id, once the server has logged the request. */
async function requestLogged(url: string, output: () => string): Promise<string> {
  const response = await fetch(`${url}/v3`);
  expect(response.status).toBe(200);
  const id = response.headers.get('x-request-id') as string;
  for (let waited = 0; !output().includes(id); waited += 20) {
    if (waited > 5_000) throw new Error(`request ${id} never logged: ${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return id;
}

async function signInStatus(url: string, password: string): Promise<number> {
  const response = await fetch(`${url}/v3/auth/tokens?nocatalog`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(
      passwordAuth(
        { name: 'admin', domain: { name: 'default' }, password },
        { project: { name: 'default', domain: { name: 'default' } } },
      ),
    ),
  });
  await response.arrayBuffer();
  return response.status;
}

describe('ddm-jobs serve --log-format', () => {
  it('json, the default on a pipe: every stdout line a record; the one-time password on stderr only', async () => {
    const server = await serve([]);
    const id = await requestLogged(server.url, server.stdout);
    const records = lines(server.stdout()).map((line) => {
      expect(parses(line), line).toBe(true);
      return JSON.parse(line) as Record<string, unknown>;
    });
    const messages = records.map((record) => record.msg);
    expect(messages).toContain(`ddm-jobs listening on ${server.url}`);
    expect(messages).toContain(
      'Created user admin (domain default) with a generated password: shown once, on stderr',
    );
    expect(records.find((record) => record.req_id === id)).toMatchObject({
      level: 30,
      service: 'ddm-jobs',
      msg: 'request',
      method: 'GET',
      route: '/v3',
      status: 200,
      ip: '127.0.0.1',
    });

    const password = /export PASSWORD='([^']+)'/.exec(server.stderr())?.[1] as string;
    expect(password, server.stderr()).toBeDefined();
    expect(server.stdout()).not.toContain(password);
    expect(await signInStatus(server.url, password)).toBe(201);
  }, 30_000);

  it('pretty: start-up notes and request lines for people, no line of them JSON', async () => {
    const server = await serve(['--log-format', 'pretty'], { DDM_JOBS_ADMIN_PASSWORD: ADMIN_PASSWORD });
    const id = await requestLogged(server.url, server.stdout);
    const out = lines(server.stdout());
    expect(out.filter(parses)).toEqual([]);
    expect(out).toContain(`ddm-jobs listening on ${server.url}`);
    const request = out.find((line) => line.includes(id)) as string;
    expect(request).toMatch(
      new RegExp(
        `^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z INFO  GET /v3 200 [\\d.]+ ms from 127\\.0\\.0\\.1 \\[req ${id}\\]$`,
      ),
    );
    expect(server.stderr()).toBe('');
  }, 30_000);

  it('pretty is the default on a terminal', async () => {
    const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;
    const command = [
      'exec',
      process.execPath,
      CLI,
      'serve',
      '--port',
      '0',
      '--data-dir',
      dirs.make(),
      '--no-demo',
    ]
      .map(quote)
      .join(' ');
    // util-linux `script` gives the server a pseudo-terminal as its stdout.
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd: REPO,
      env: envWithout('DDM_JOBS_', { DDM_JOBS_ADMIN_PASSWORD: ADMIN_PASSWORD }),
    });
    children.add(child);
    keepProcessLog(child, 'serve-log-format-tty');
    let output = '';
    child.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    for (let waited = 0; !/listening on (http:\/\/[\d.:]+)/.test(output); waited += 25) {
      if (waited > 20_000 || child.exitCode !== null) throw new Error(`no start on a terminal: ${output}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const url = /listening on (http:\/\/[\d.:]+)/.exec(output)?.[1] as string;
    await requestLogged(url, () => output);
    expect(lines(output).filter(parses)).toEqual([]);
    expect(output).toMatch(/INFO {2}GET \/v3 200 /);
  }, 30_000);
});
