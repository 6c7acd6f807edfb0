/**
 * `ddm-jobs serve` in a child process, as operators run it: the one way the tests, the benchmark,
 * the crash test and the soak start a server of their own. The built CLI
 * (packages/cli/dist/main.js, `npm run build`) runs with this process's environment minus every
 * DDM_JOBS_* variable (so a developer's settings do not leak in), plus the ones given.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built `ddm-jobs` command. */
export const CLI = fileURLToPath(new URL('../packages/cli/dist/main.js', import.meta.url));
/** The repository's root folder, the servers' working directory unless told otherwise. */
export const REPO = fileURLToPath(new URL('../', import.meta.url));

/** Output kept in memory at most; older output is dropped. */
const MAX_OUTPUT = 1 << 20;

/**
 * @typedef {object} ServeOptions
 * @property {string[]} args Arguments after `serve`; include `--port 0` for any free port.
 * @property {Record<string, string>} [env] Variables added to the environment (e.g. DDM_JOBS_ADMIN_PASSWORD).
 * @property {string[]} [nodeArgs] Options of node itself, e.g. `--cpu-prof`.
 * @property {string} [command] An installed `ddm-jobs` command to run (e.g. `PREFIX/bin/ddm-jobs`)
 *   instead of the repository's built CLI; `nodeArgs` do not apply to it.
 * @property {string} [cwd] The working directory (the repository's root).
 * @property {number} [timeoutMs] How long it may take to listen before it is killed (60 s).
 * @property {(child: import('node:child_process').ChildProcess) => void} [spawned] Given the process
 *   at once, before it listens: to stop it whatever happens, or to copy its output somewhere.
 */

/**
 * @typedef {object} ServeProcess
 * @property {import('node:child_process').ChildProcessByStdio<null, import('node:stream').Readable, import('node:stream').Readable>} child
 * @property {string} url The URL it says it listens on.
 * @property {() => string} output What it has printed so far, stdout and stderr together (the last MiB).
 */

/**
 * Starts `ddm-jobs serve ARGS` and resolves once it prints `ddm-jobs listening on URL`; rejects
 * (with what it printed) if it exits first or does not listen in time.
 *
 * @example const { url, child } = await startServe({ args: ['--port', '0', '--data-dir', dir] });
 * @param {ServeOptions} options
 * @returns {Promise<ServeProcess>}
 */
export function startServe(options) {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('DDM_JOBS_')),
  );
  const [command, args] = options.command
    ? [options.command, ['serve', ...options.args]]
    : [process.execPath, [...(options.nodeArgs ?? []), CLI, 'serve', ...options.args]];
  const child = spawn(command, args, {
    cwd: options.cwd ?? REPO,
    env: { ...env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  options.spawned?.(child);
  let output = '';
  let listening = false;
  const timeoutMs = options.timeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`ddm-jobs serve did not listen within ${timeoutMs} ms: ${output}`));
    }, timeoutMs);
    /** @param {Buffer} chunk */
    const onData = (chunk) => {
      output += chunk;
      if (output.length > MAX_OUTPUT) output = output.slice(-MAX_OUTPUT / 2);
      // [^\s"]: in a JSON log record (--log-format json) the URL ends at the closing quote.
      const url = /ddm-jobs listening on (http:\/\/[^\s"]+)/.exec(output)?.[1];
      if (url && !listening) {
        listening = true;
        clearTimeout(timer);
        // What the server wrote to stderr before that stdout line (the generated admin password,
        // with --log-format json) is in its pipe already, but the two pipes' reads come in either
        // order: resolved a moment later, once the other pipe has been read too.
        setTimeout(() => resolve({ child, url, output: () => output }), 50);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`ddm-jobs serve exited (${signal ?? code}) before it listened: ${output}`));
    });
  });
}

/** @param {import('node:child_process').ChildProcess} child */
const hasExited = (child) => child.exitCode !== null || child.signalCode !== null;

/**
 * Ends a child process as an operator ends a server (SIGTERM: it finishes what is in flight; a
 * `--cpu-prof` child writes its profile) and resolves once it has exited; SIGKILL after `graceMs`
 * should it still run. At once if it has exited already.
 *
 * @param {import('node:child_process').ChildProcess} child
 * @param {number} [graceMs]
 * @returns {Promise<void>}
 */
export function stopProcess(child, graceMs = 15_000) {
  if (hasExited(child)) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * SIGKILL: no shutdown code runs, as in a power cut of the process. Resolves once it is gone.
 *
 * @param {import('node:child_process').ChildProcess} child
 * @returns {Promise<void>}
 */
export function killServe(child) {
  if (hasExited(child)) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
