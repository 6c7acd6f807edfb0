import type { Command } from 'commander';
import { resolveConnection } from '../../tenant/config/resolve.js';
import { addConnectionOptions, type ConnectionFlags, processSurroundings } from '../../tenant/connection.js';
import { UsageError } from '../../tenant/usage-error.js';
import { refuseExisting, writePrivateFile } from './private-file.js';
import { failureOf, reach, type ServiceSignIn, serviceToken } from './service-token.js';
import { readEmulatorState } from './state.js';

interface SaveOptions extends ConnectionFlags {
  name: string;
  force?: boolean;
}

/**
 * `ddm-jobs emulator save FILE`: the emulator's whole state (GET /internal/v1/snapshot) written to
 * FILE with mode 0600, for `serve --emulator --snapshot FILE` or `POST /internal/v1/snapshot`.
 * By default it reaches the emulator that `ddm-jobs emulator start` left running, through its
 * state file (its address and its service user); with `--endpoint`, any emulator, signing in with
 * the connection options as a user with role `service`.
 */
export function saveCommand(group: Command): void {
  const command = group
    .command('save')
    .description("save the emulator's whole state to FILE (mode 0600), to start from with --snapshot")
    .argument('<file>', 'where to write the snapshot (refused if it exists, unless --force)')
    .option('--name <name>', 'the emulator started by ddm-jobs emulator start --name NAME', 'default')
    .option('--force', 'replace FILE if it exists');
  addConnectionOptions(command).addHelpText(
    'after',
    `
Without --endpoint, the emulator is the one ddm-jobs emulator start --name NAME runs, reached
through its state file with its service user: the connection options and OS_* variables are
then ignored (the export lines of emulator start are a tenant's, who may not save).
With --endpoint (the flag, not DDM_ENDPOINT), the user of the connection options, by password
or token, needs the role service. The file holds every identity and task; its secrets stay
sealed with the server's credential key file, which is not in it: restore it on a server given
that same key file (docs/testing.md, "Snapshots").

Examples:
  $ ddm-jobs emulator save state.json
  $ ddm-jobs emulator save state.json --force --endpoint http://127.0.0.1:8080 \\
      --os-auth-url http://127.0.0.1:8080/v3 --os-username admin --os-project-name default`,
  );
  command.action(async (file: string, options: SaveOptions) => {
    refuseExisting(file, { force: options.force === true });
    const { endpoint, signIn } = options.endpoint ? fromConnectionOptions(options) : fromState(options.name);
    const token = await serviceToken(signIn);
    const response = await reach(new URL('/internal/v1/snapshot', endpoint), {
      headers: { 'x-auth-token': token, accept: 'application/json' },
    });
    const text = await response.text();
    if (!response.ok)
      throw new Error(`the emulator at ${endpoint} refused the snapshot: ${failureOf(response, text)}`);
    writePrivateFile(file, text, { force: options.force === true });
    process.stdout.write(`Saved the emulator's state to ${file}\n`);
  });
}

/** The running emulator of `ddm-jobs emulator start --name NAME` and its service user. */
function fromState(name: string): { endpoint: string; signIn: ServiceSignIn } {
  const state = readEmulatorState(name);
  if (!state)
    throw new UsageError(
      `no emulator named "${name}" is running (ddm-jobs emulator start --name ${name}); give --endpoint to reach another`,
    );
  const { username, password, domain, project } = state.service;
  return {
    endpoint: state.url,
    signIn: { authUrl: state.url, username, password, userDomainName: domain, projectName: project },
  };
}

/** `--endpoint` and the tenant commands' connection options: a password or a token. */
function fromConnectionOptions(options: SaveOptions): { endpoint: string; signIn: ServiceSignIn } {
  const plan = resolveConnection(options, processSurroundings());
  const endpoint = options.endpoint as string;
  if (plan.kind === 'token') return { endpoint, signIn: { token: plan.token } };
  if (plan.kind === 'aksk')
    throw new UsageError(
      'emulator save signs in with a password or a token of a user with role service, not an access key: unset OS_ACCESS_KEY',
    );
  const { kind: _kind, endpoint: _endpoint, regionName: _region, timeoutMs: _timeout, ...password } = plan;
  return { endpoint, signIn: password };
}
