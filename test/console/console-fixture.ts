import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { startServe } from '../../scripts/serve-process.js';
import { passwordAuth } from '../support/keystone-body.js';
import { CLI, REPO, stopServer } from '../support/processes.js';
import { keepProcessLog, serveLogLevel } from '../support/run-logs.js';

// The console end to end: a real `ddm-jobs serve` process (emulator, virtual clock, the demo
// tasks and the scenario below) serving the built console under /console/, driven by Debian's
// Chromium through playwright-core.

/** Where the virtual clock starts: every test sees the same tasks at the same instants. */
export const START = Date.UTC(2026, 0, 1, 0, 0, 0);
export const ADMIN = {
  user: 'admin',
  password: 'console admin password',
  domain: 'default',
  project: 'default',
};
const CONSOLE_INDEX = join(REPO, 'packages/console/dist/index.html');

/** The task the live test cancels: a migration at 50%, whose cancel succeeds 30 s later. */
export const CANCEL_TARGET = 'a1e0c5d4-3b2a-4c1d-9e8f-7a6b5c4d3e21';
/** A failed migration: Cancel, Retry and Roll back. */
export const FAILED_MIGRATION = 'b2f1d6e5-4c3b-4d2e-8f9a-8b7c6d5e4f32';
/** The demo's migration at 62% (`scenarios/demo.yaml`): 25 of its 40 minutes done. */
export const DEMO_RUNNING = 'c1f0b7e2-5a4d-4c1e-9d7b-3e2f6a8b9c01';

/**
 * With the demo's eight tasks (all of the last 24 hours, seven of the last hour): 10 tasks in 24
 * hours, 16 in 7 days, 17 in 30 days.
 */
export const TOTALS = { '1 hour': 7, '24 hours': 10, '7 days': 16, '30 days': 17 } as const;

const SCENARIO = `
project: default
instance: { id: 4f2a9c1e7b3d45e8a6c0b1d2e3f4a5b6in09, name: ddm-orders }
tasks:
  - name: migrateLogicDb
    id: ${CANCEL_TARGET}
    database: db_customers
    start: -2h
    steps:
      - { status: Running, progress: 100, over: 4h }
    on_cancel: { after: 30s }
  - name: migrateLogicDb
    id: ${FAILED_MIGRATION}
    database: db_payments
    start: -5h
    steps:
      - { status: Running, progress: 62, over: 4m }
      - { status: Failed, reason: "Shard 3 of the source is unreachable." }
  - name: RestartInstance
    id: c3a2e7f6-5d4c-4e3f-9a0b-9c8d7e6f5a43
    start: -6d12h
    count: 6
    every: 1d
    steps:
      - { status: Running, over: 2m }
      - { status: Completed }
  - name: BindEIP
    id: d4b3f8a7-6e5d-4f4a-8b1c-0d9e8f7a6b54
    start: -20d
    steps:
      - { status: Running, over: 1m }
      - { status: Completed }
`;

export interface ConsoleServer {
  url: string;
  /** The server's data folder, for `ddm-jobs iam` while it runs. */
  dataDir: string;
  output(): string;
  /** The admin's token on project default, for the test's own calls (the clock). */
  adminToken(): Promise<string>;
  /** Moves the server's virtual clock; resolves once the simulated tasks have caught up. */
  advance(ms: number): Promise<void>;
  /** Posts a scenario (YAML) through the internal API, as a control plane would. */
  record(yaml: string): Promise<void>;
  stop(): Promise<void>;
}

/** Starts `ddm-jobs serve` with the demo (not --no-demo, unlike the CLI tests) and the scenario. */
export async function startConsoleServer(): Promise<ConsoleServer> {
  if (!existsSync(CONSOLE_INDEX) || !existsSync(CLI))
    throw new Error('The console or the CLI is not built: run `npm run build` first.');
  const dir = mkdtempSync(join(tmpdir(), 'ddm-jobs-console-'));
  const scenario = join(dir, 'scenario.yaml');
  writeFileSync(scenario, SCENARIO);
  const args = ['--port', '0', '--data-dir', join(dir, 'data'), '--log-level', serveLogLevel(), '--emulator'];
  args.push('--clock', 'virtual', '--clock-start', new Date(START).toISOString(), '--scenario', scenario);
  let spawned: ChildProcess | undefined;
  const server = await startServe({
    args,
    env: { DDM_JOBS_ADMIN_PASSWORD: ADMIN.password },
    spawned(child) {
      spawned = child;
      keepProcessLog(child, 'console-serve');
    },
  }).catch(async (error) => {
    if (spawned) await stopServer(spawned);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  });
  const { url } = server;

  let token: string | undefined;
  const adminToken = async () => {
    if (token) return token;
    const response = await fetch(`${url}/v3/auth/tokens?nocatalog`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        passwordAuth(
          { name: ADMIN.user, domain: { name: ADMIN.domain }, password: ADMIN.password },
          { project: { name: ADMIN.project, domain: { name: ADMIN.domain } } },
        ),
      ),
    });
    token = response.headers.get('x-subject-token') ?? '';
    if (response.status !== 201 || !token) throw new Error(`admin sign-in: ${response.status}`);
    return token;
  };
  const post = async (path: string, type: string, body: string) => {
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'x-auth-token': await adminToken(), 'content-type': type },
      body,
    });
    if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
  };
  return {
    url,
    dataDir: join(dir, 'data'),
    output: server.output,
    adminToken,
    advance: (ms) => post('/internal/v1/clock', 'application/json', JSON.stringify({ advance_ms: ms })),
    record: (yaml) => post('/internal/v1/scenarios', 'application/yaml', yaml),
    async stop() {
      await stopServer(server.child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Debian's Chromium, headless, with nothing of its own going to the network. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** What a page did that a test asserts on at the end: its requests, navigations and errors. */
export interface Watched {
  page: Page;
  context: BrowserContext;
  /** Every URL the page requested. */
  requests: string[];
  /** The main frame's navigations (the first load counts one). */
  navigations: string[];
  /** Uncaught errors, and console errors (a CSP violation is one). */
  errors: string[];
}

/**
 * A fresh browser context (its own sessionStorage) at 1280 × 800 in UTC (or `timezoneId`), its
 * clock fixed at the server's virtual one (`setClock` moves both together).
 */
export async function openPage(browser: Browser, timezoneId = 'UTC'): Promise<Watched> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    timezoneId,
    locale: 'en-GB',
  });
  const page = await context.newPage();
  await page.clock.setFixedTime(START);
  const watched: Watched = { page, context, requests: [], navigations: [], errors: [] };
  page.on('request', (request) => watched.requests.push(request.url()));
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) watched.navigations.push(frame.url());
  });
  page.on('pageerror', (error) => watched.errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') watched.errors.push(message.text());
  });
  return watched;
}

export interface ConsoleSuiteOptions {
  /** A server of its own for each test (a test that moves the clock), not one for the file. */
  serverPerTest?: boolean;
  /** Runs once each server is up, before the tests see it: the data the file's tests rely on. */
  prepare?: (server: ConsoleServer) => Promise<void>;
  /** A console error a clean page may show (the browser's line for a request refused on purpose). */
  allowedError?: string;
}

/** A file's browser and server, and the page of the test running now. */
export interface ConsoleSuite {
  readonly browser: Browser;
  readonly server: ConsoleServer;
  /** The page the running test opened with `open`; its context is closed after the test. */
  readonly watched: Watched | undefined;
  /** A fresh page (`openPage`), closed after the test. */
  open(timezoneId?: string): Promise<Watched>;
  /** Nothing requested of another host, no page error (but `allowedError`): of `w` or the current page. */
  expectClean(w?: Watched): void;
}

/**
 * Registers the vitest hooks of a console test file: Chromium for the file, the server for the
 * file (or for each test), the test's page closed after it, then its server stopped.
 */
export function consoleSuite(options: ConsoleSuiteOptions = {}): ConsoleSuite {
  let browser: Browser | undefined;
  let server: ConsoleServer | undefined;
  let watched: Watched | undefined;
  const startServer = async () => {
    server = await startConsoleServer();
    await options.prepare?.(server);
  };
  beforeAll(async () => {
    if (options.serverPerTest) browser = await launchChromium();
    else await Promise.all([launchChromium().then((b) => (browser = b)), startServer()]);
  });
  afterAll(async () => {
    await browser?.close();
    if (!options.serverPerTest) await server?.stop();
  });
  if (options.serverPerTest) beforeEach(startServer);
  afterEach(async () => {
    await watched?.context.close();
    watched = undefined;
    if (options.serverPerTest) await server?.stop();
  });
  const suite: ConsoleSuite = {
    get browser() {
      if (!browser) throw new Error('The browser is not launched (outside a test).');
      return browser;
    },
    get server() {
      if (!server) throw new Error('The console server is not started (outside a test).');
      return server;
    },
    get watched() {
      return watched;
    },
    async open(timezoneId) {
      watched = await openPage(suite.browser, timezoneId);
      return watched;
    },
    expectClean(w = watched) {
      if (!w) throw new Error('No page was opened.');
      expect(foreignRequests(w, suite.server.url)).toEqual([]);
      const allowed = options.allowedError;
      expect(allowed ? w.errors.filter((e) => !e.includes(allowed)) : w.errors).toEqual([]);
    },
  };
  return suite;
}

/** Signs in through the form, as a person would (the admin unless told), and waits for the task table. */
export async function signInThroughForm(
  page: Page,
  url: string,
  user: { user: string; password: string } = ADMIN,
): Promise<void> {
  if (!page.url().startsWith(url)) await page.goto(`${url}/console/`);
  await page.getByLabel('IAM user name', { exact: true }).fill(user.user);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByLabel('Domain', { exact: true }).fill(ADMIN.domain);
  await page.getByLabel('Project', { exact: true }).fill(ADMIN.project);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('.task-table tbody tr').first().waitFor();
}

/** The requests that went anywhere but the server (data: URLs stay in the page). */
export function foreignRequests(watched: Watched, url: string): string[] {
  const origin = new URL(url).origin;
  return watched.requests.filter((r) => !r.startsWith('data:') && new URL(r).origin !== origin);
}

/**
 * The page's globals, typed by hand for the functions that run in the page: the tests are
 * type-checked without the DOM library.
 */
interface PageGlobals {
  sessionStorage: { getItem(key: string): string | null };
  localStorage: { length: number };
  document: { activeElement: unknown; documentElement: { scrollWidth: number } };
  consoleMarker?: string;
}

/** Whether the element has the keyboard focus. */
export function isFocused(locator: Locator): Promise<boolean> {
  return locator.evaluate((el) => el === (globalThis as unknown as PageGlobals).document.activeElement);
}

/** What the page keeps: the session in sessionStorage, how many entries in localStorage. */
export function storageOf(page: Page): Promise<{ session: string; local: number }> {
  return page.evaluate(() => {
    const g = globalThis as unknown as PageGlobals;
    return {
      session: g.sessionStorage.getItem('ddm-jobs.console.session') ?? '',
      local: g.localStorage.length,
    };
  });
}

/** The page's width as laid out (wider than the viewport: it scrolls sideways). */
export function pageWidth(page: Page): Promise<number> {
  return page.evaluate(() => (globalThis as unknown as PageGlobals).document.documentElement.scrollWidth);
}

/** Marks the loaded document: a reload or navigation would lose the mark. */
export async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => {
    (globalThis as unknown as PageGlobals).consoleMarker = 'still the same document';
  });
}

export function documentMark(page: Page): Promise<string | undefined> {
  return page.evaluate(() => (globalThis as unknown as PageGlobals).consoleMarker);
}

/** axe-core's browser build, read once: it runs in the page under test. */
let axeSource: string | undefined;

/** The part of axe-core's results that a failure lists. */
interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/**
 * Runs axe-core on the page as it is now and fails on any serious or critical violation, listed
 * one per line with the elements it found. axe is evaluated through the DevTools protocol (as
 * every `page.evaluate` is), not added as a `<script>`: the page's CSP stays as the server sends
 * it, and a violation of it still fails the test through `errors`.
 */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  axeSource ??= readFileSync(join(REPO, 'node_modules/axe-core/axe.min.js'), 'utf8');
  const loaded = await page.evaluate(() => (globalThis as unknown as { axe?: unknown }).axe !== undefined);
  if (!loaded) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: { run(options: object): Promise<{ violations: AxeViolation[] }> };
      }
    ).axe;
    const results = await axe.run({ resultTypes: ['violations'] });
    return results.violations.map(({ id, impact, help, nodes }) => ({
      id,
      impact,
      help,
      nodes: nodes.map(({ target, failureSummary }) => ({ target, failureSummary })),
    }));
  });
  const serious = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help}\n${v.nodes
          .map((n) => `    ${n.target.join(' ')}: ${(n.failureSummary ?? '').replaceAll('\n', ' ')}`)
          .join('\n')}`,
    );
  if (serious.length > 0)
    throw new Error(`axe-core on ${what}: ${serious.length} serious or critical\n${serious.join('\n')}`);
}
