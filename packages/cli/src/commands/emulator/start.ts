import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Bootstrap } from '@ddm-jobs/testing';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { UsageError } from '../../tenant/usage-error.js';
import { yaml } from '../../yaml.js';
import { exportLines } from './exports.js';
import { isRunning } from './process-state.js';
import { NAME_PATTERN, readEmulatorState, removeEmulatorState, writeEmulatorState } from './state.js';

const LOG_FILE = 'emulator.log';

function parseSeconds(value: string): number {
  if (!/^\d{1,4}$/.test(value) || Number(value) < 1)
    throw new InvalidArgumentError('must be a whole number of seconds from 1 to 9999.');
  return Number(value);
}

function parseName(value: string): string {
  if (!NAME_PATTERN.test(value)) throw new InvalidArgumentError('must be 1 to 64 of A-Z a-z 0-9 _ -.');
  return value;
}

function readBootstrap(file: string): Bootstrap {
  try {
    return yaml().parse(readFileSync(file, 'utf8')) as Bootstrap;
  } catch (error) {
    throw new UsageError(`--bootstrap ${file}: ${(error as Error).message}`);
  }
}

/** Waits until the log says where the server listens; undefined if it exits first or time runs out. */
async function waitForUrl(
  log: string,
  exited: () => boolean,
  timeoutMs: number,
): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const url = /ddm-jobs listening on (http:\/\/[^\s"]+)/.exec(readFileSync(log, 'utf8'))?.[1];
    if (url) return url.replace(/\/+$/, '');
    if (exited()) return undefined;
    await sleep(20);
  }
  return undefined;
}

interface StartFlags {
  name: string;
  dataDir?: string;
  bootstrap?: string;
  credentialKeyFile?: string;
  demo?: boolean;
  timeout: number;
}

/** `ddm-jobs emulator start [options] [serve options]`. */
export function startCommand(group: Command): void {
  group
    .command('start')
    .description(
      'start `ddm-jobs serve --emulator --port 0` in the background; print export lines for eval (docs/testing.md)',
    )
    .usage('[options] [serve options]')
    .addOption(
      new Option('--name <name>', 'which emulator, when several run').default('default').argParser(parseName),
    )
    .option('--data-dir <dir>', 'data folder (default: a new temporary folder, removed by stop)')
    .option('--bootstrap <file>', "identities to declare beside the emulator's own (YAML or JSON)")
    .option(
      '--credential-key-file <file>',
      "key file (created when missing); the identities derive from it: give the saving emulator's to start from its snapshot",
    )
    .option('--demo', 'record the demo tasks in project default too')
    .addOption(
      new Option('--timeout <seconds>', 'how long the server may take to listen')
        .default(30)
        .argParser(parseSeconds),
    )
    .allowUnknownOption()
    .allowExcessArguments()
    .addHelpText(
      'after',
      `
Any other option is a \`ddm-jobs serve\` option, passed on (e.g. --clock virtual, --scenario FILE).
Prints export lines on stdout (OS_AUTH_URL, OS_PROJECT_ID, DDM_ENDPOINT, OS_ACCESS_KEY, ...).

Examples:
  $ eval "$(ddm-jobs emulator start --clock virtual --scenario scenarios/healthy-migration.yaml)"
  $ ddm-jobs list
  $ ddm-jobs emulator stop`,
    )
    .action(async (flags: StartFlags, command: Command) => {
      const serveArgs = command.args;
      const running = readEmulatorState(flags.name);
      if (running && isRunning(running.pid, running.data_dir))
        throw new UsageError(
          `an emulator named ${flags.name} runs already (pid ${running.pid}, ${running.url}): stop it first (ddm-jobs emulator stop${flags.name === 'default' ? '' : ` --name ${flags.name}`}) or give another --name`,
        );
      const bootstrapOwn = flags.bootstrap ? readBootstrap(flags.bootstrap) : undefined;
      const ownsDataDir = flags.dataDir === undefined;
      const dataDir = ownsDataDir
        ? mkdtempSync(join(tmpdir(), 'ddm-jobs-emulator-'))
        : resolve(flags.dataDir as string);
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      // A serve option the server refused is a usage error (exit 2), as `serve` says it is.
      const fail = (message: string, usage: boolean): never => {
        if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
        throw usage ? new UsageError(message) : new Error(message);
      };
      // Loaded here, not at the CLI's start: the helper brings yaml and the SDK, which serve never needs.
      const { credentialKey, mergeBootstrap } = await import('@ddm-jobs/testing');
      const key = credentialKey(resolve(flags.credentialKeyFile ?? join(dataDir, 'credential.key')));
      const { bootstrap, identities } = mergeBootstrap(bootstrapOwn, key.key);
      const bootstrapFile = join(dataDir, 'emulator-bootstrap.json');
      writeFileSync(bootstrapFile, JSON.stringify(bootstrap), { mode: 0o600 });
      const log = join(dataDir, LOG_FILE);
      const logFd = openSync(log, 'a', 0o600);
      // Detached, in a process group of its own: it outlives this command and the shell's Ctrl-C.
      const child = spawn(
        process.execPath,
        [
          process.argv[1] as string,
          'serve',
          '--emulator',
          '--host',
          '127.0.0.1',
          '--port',
          '0',
          ...(flags.demo ? [] : ['--no-demo']),
          ...serveArgs,
          '--data-dir',
          dataDir,
          '--bootstrap',
          bootstrapFile,
          '--credential-key-file',
          key.file,
          '--log-format',
          'json',
        ],
        { detached: true, stdio: ['ignore', logFd, logFd] },
      );
      closeSync(logFd);
      let exited = false;
      child.once('exit', () => {
        exited = true;
      });
      const url = await waitForUrl(log, () => exited, flags.timeout * 1000);
      if (!url || child.pid === undefined) {
        if (!exited) child.kill('SIGKILL');
        const printed = readFileSync(log, 'utf8').trim().split('\n').slice(-20).join('\n');
        fail(
          `the emulator ${exited ? `exited (${child.exitCode ?? child.signalCode})` : `did not listen within ${flags.timeout} s`} before it listened:\n${printed}`,
          exited && child.exitCode === 2,
        );
      }
      child.unref();
      removeEmulatorState(flags.name);
      writeEmulatorState({
        version: 1,
        name: flags.name,
        pid: child.pid as number,
        url: url as string,
        data_dir: dataDir,
        owns_data_dir: ownsDataDir,
        project_id: identities.tenant.projectId,
        service: {
          username: identities.service.username,
          password: identities.service.password,
          domain: identities.service.domainName,
          project: identities.service.projectName,
        },
      });
      process.stdout.write(exportLines(url as string, flags.name, identities));
      process.stderr.write(
        `ddm-jobs: emulator ${flags.name} listening on ${url} (pid ${child.pid}, data ${dataDir}, log ${log}); stop it with: ddm-jobs emulator stop${flags.name === 'default' ? '' : ` --name ${flags.name}`}\n`,
      );
    });
}
