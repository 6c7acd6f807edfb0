import type { ChildProcess } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, stopProcess } from '../../scripts/serve-process.js';
import { ADMIN_PASSWORD, signInAdmin } from '../cli/cli-process.js';
import { type Finished, REPO, runToEnd } from '../support/processes.js';
import { keepProcessLog } from '../support/run-logs.js';
import { installedPackages, minimumNode, refusing } from './node-engines.js';

// `npm run pack`'s two tarballs installed as a user installs them, in a temporary folder outside
// the repository: `ddm-jobs` globally into a prefix of its own, then `ddm-jobs serve` from yet
// another folder; `@ddm-jobs/client` into a new project whose ES module script and TypeScript use
// it against that server. npm takes the packages from its cache (--prefer-offline).
//
// better-sqlite3 is the one dependency with a native build: npm compiles it from source when it
// cannot download a prebuilt binary, which took 2 to 4 minutes here (two busy cores) against
// 6 s for the rest of the install. `npm ci` compiles the very same version for the repository on
// every run, so this test installs with --ignore-scripts and puts the repository's compiled
// binding in its place; DDM_JOBS_PACKAGING_COMPILE=1 lets npm compile it instead.

const COMPILE = process.env.DDM_JOBS_PACKAGING_COMPILE === '1';
const DEMO_TASK = '57933931-9323-422d-8f3d-20a62eb00c4e';
const root = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  version: string;
  engines: { node: string };
};

let work = '';
let prefix = '';
let installed = '';
let app = '';
let testingTarball = '';
let server: { child: ChildProcess; url: string } | undefined;

const expectSuccess = (run: Finished, what: string): Finished => {
  if (run.code !== 0) throw new Error(`${what} exited ${run.code}:\n${run.stdout}\n${run.stderr}`);
  return run;
};
const npm = (args: string[], cwd: string) =>
  runToEnd('npm', [...args, '--prefer-offline', '--no-audit', '--no-fund'], { cwd });

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ddm-jobs-packaging-'));
  const packed = expectSuccess(
    await runToEnd(process.execPath, [join(REPO, 'scripts/pack/run.js'), '--out', join(work, 'packages')]),
    'npm run pack',
  );
  const [serverTarball, clientTarball, testing] = packed.stdout.trim().split('\n') as [
    string,
    string,
    string,
  ];
  testingTarball = testing;

  prefix = join(work, 'prefix');
  const scripts = COMPILE ? ['--allow-scripts=better-sqlite3'] : ['--ignore-scripts'];
  expectSuccess(
    await npm(['install', '--global', '--prefix', prefix, ...scripts, serverTarball], work),
    'npm install -g',
  );
  installed = join(prefix, 'lib/node_modules/ddm-jobs');
  if (!COMPILE) {
    const binding = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node';
    const version = (dir: string) =>
      JSON.parse(readFileSync(join(dir, 'node_modules/better-sqlite3/package.json'), 'utf8')).version;
    expect(version(installed)).toBe(version(REPO));
    mkdirSync(join(installed, 'node_modules/better-sqlite3/build/Release'), { recursive: true });
    copyFileSync(join(REPO, binding), join(installed, binding));
  }

  app = join(work, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), '{ "name": "app", "private": true, "type": "module" }\n');
  expectSuccess(await npm(['install', clientTarball], app), 'npm install @ddm-jobs/client');

  const elsewhere = join(work, 'elsewhere');
  mkdirSync(elsewhere);
  server = await startServe({
    command: join(prefix, 'bin/ddm-jobs'),
    cwd: elsewhere,
    args: ['--port', '0', '--data-dir', join(work, 'data')],
    env: { DDM_JOBS_ADMIN_PASSWORD: ADMIN_PASSWORD },
    spawned: (child) => keepProcessLog(child, 'serve'),
  });
}, 600_000);

afterAll(async () => {
  if (server) await stopProcess(server.child);
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed ddm-jobs, installed with npm install -g', () => {
  it('is a command that shows the release', async () => {
    const run = await runToEnd(join(prefix, 'bin/ddm-jobs'), ['--version'], { cwd: work });
    expect(run).toMatchObject({ code: 0, stdout: `${root.version}\n` });
  });

  it('installed registry packages only, none declaring an engine that refuses the documented minimum', () => {
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    expect(manifest.engines).toEqual(root.engines);
    expect(existsSync(join(installed, 'npm-shrinkwrap.json'))).toBe(true);
    const tree = installedPackages(join(installed, 'node_modules'));
    expect(tree.length).toBeGreaterThan(50);
    expect(tree.filter(({ where }) => where.includes('@ddm-jobs'))).toEqual([]);
    expect(refusing(tree, minimumNode(root.engines.node))).toEqual([]);
  });

  it('serves the API from another folder, with the demo tasks', async () => {
    const { token, projectId: project } = await signInAdmin(server?.url as string);
    const now = Date.now();
    const response = await fetch(
      `${server?.url}/v3/${project}/jobs?start_time=${now - 86_400_000}&end_time=${now}&limit=100`,
      { headers: { 'x-auth-token': token } },
    );
    expect(response.status).toBe(200);
    const { jobs } = (await response.json()) as { jobs: { id: string }[] };
    expect(jobs.map((job) => job.id)).toContain(DEMO_TASK);
  });

  it('serves the console: its page and the assets it names', async () => {
    const page = await fetch(`${server?.url}/console/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    const script = /src="(\/console\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${server?.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect((await asset.text()).length).toBeGreaterThan(1000);
  });
});

describe('the packed @ddm-jobs/client, installed into a project', () => {
  it('lists the demo tasks from an ES module script', async () => {
    writeFileSync(
      join(app, 'list.mjs'),
      `import { DdmClient } from '@ddm-jobs/client';
const client = new DdmClient({
  auth: { password: { authUrl: process.env.AUTH_URL, username: 'admin', password: process.env.PASSWORD,
    userDomainName: 'default', projectName: 'default' } },
});
const ids = [];
for await (const job of client.jobs({ since: Date.now() - 86_400_000 })) ids.push(job.id);
console.log(JSON.stringify(ids));
`,
    );
    const run = await runToEnd(process.execPath, ['list.mjs'], {
      cwd: app,
      env: { ...process.env, AUTH_URL: `${server?.url}/v3`, PASSWORD: ADMIN_PASSWORD },
    });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toContain(DEMO_TASK);
  });

  it('type-checks with its own declarations alone (no workspace package, no any)', async () => {
    writeFileSync(
      join(app, 'check.ts'),
      `import { DdmClient, type JobItem, type JobStatus, JOB_STATUSES } from '@ddm-jobs/client';
export async function first(client: DdmClient): Promise<JobStatus | undefined> {
  const { jobs } = await client.listJobs({ startTime: 0, endTime: 1 });
  const job: JobItem | undefined = jobs[0];
  // @ts-expect-error: a field no task has (were the types any, this line would be an error)
  job?.no_such_field;
  return JOB_STATUSES.includes('Running') ? job?.status : undefined;
}
`,
    );
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'es2022',
          module: 'nodenext',
          moduleResolution: 'nodenext',
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          lib: ['ES2023', 'DOM', 'DOM.Iterable'],
          types: [],
        },
        files: ['check.ts'],
      }),
    );
    const run = await runToEnd(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', app]);
    expect(run.stdout + run.stderr).toBe('');
    expect(run.code).toBe(0);
  });
});

describe('@ddm-jobs/testing, installed into a project', () => {
  it('starts the globally installed ddm-jobs (DDM_JOBS_COMMAND) as an emulator whose tenants list', async () => {
    expectSuccess(await npm(['install', testingTarball], app), 'npm install @ddm-jobs/testing');
    writeFileSync(
      join(app, 'emulator.mjs'),
      `import { DdmClient } from '@ddm-jobs/client';
import { startEmulator } from '@ddm-jobs/testing';
const emu = await startEmulator();
const tenant = await emu.tenant();
const now = emu.clock.now();
const { total } = await new DdmClient(emu.clientOptions(tenant)).listJobs({ startTime: now - 3600000, endTime: now });
await emu.stop();
console.log(JSON.stringify({ total, project: tenant.projectId !== emu.defaultTenant.projectId }));
`,
    );
    const run = await runToEnd(process.execPath, ['emulator.mjs'], {
      cwd: app,
      env: { ...process.env, DDM_JOBS_COMMAND: join(prefix, 'bin/ddm-jobs') },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ total: 0, project: true });
  }, 120_000);
});
