import { homedir } from 'node:os';
import { DdmClient, type DdmClientOptions } from '@ddm-jobs/client';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { Surroundings } from './config/clouds-file.js';
import { CONNECTION_FIELDS } from './config/fields.js';
import { type ConnectionFlags, type ConnectionPlan, resolveConnection } from './config/resolve.js';
import { ServerClock } from './server-clock.js';

export type { ConnectionFlags, ConnectionPlan };

const GROUP = 'Connection options:';

/** Seconds for `--timeout`: a positive number up to an hour, fractions allowed. */
export function parseTimeout(value: string): number {
  const seconds = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || seconds <= 0 || seconds > 3600)
    throw new InvalidArgumentError('must be a number of seconds, more than 0 and at most 3600.');
  return seconds;
}

/**
 * Adds the connection options every tenant command shares, grouped under their own heading, and
 * the paragraph that says where settings come from and which credentials win. The environment
 * and clouds.yaml are read by `connect`, not by commander, so that the three layers and the choice
 * of auth kind live in one place (config/resolve.ts).
 */
export function addConnectionOptions(command: Command): Command {
  command.addOption(
    new Option('--os-cloud <name>', 'cloud of clouds.yaml to use (env: OS_CLOUD)').helpGroup(GROUP),
  );
  for (const field of CONNECTION_FIELDS)
    command.addOption(
      new Option(field.flag, `${field.description} (env: ${field.env.join(', ')})`).helpGroup(GROUP),
    );
  command.addOption(
    new Option('--timeout <seconds>', 'seconds to wait for each response (default: 30)')
      .argParser(parseTimeout)
      .helpGroup(GROUP),
  );
  return command.addHelpText(
    'after',
    `
Configuration, as OpenStack tools read it: each setting from its flag, else its OS_* variable,
else the cloud named by --os-cloud or OS_CLOUD in clouds.yaml (searched, as openstacksdk does, in
OS_CLIENT_CONFIG_FILE, ./clouds.yaml, $XDG_CONFIG_HOME/openstack (~/.config/openstack) and
/etc/openstack; secure.yaml beside it is merged in). Keys of a cloud's auth: auth_url, username,
password, user_domain_name (or _id), project_id, project_name, project_domain_name (or _id),
token, access_key and secret_key (or ak and sk); beside auth: region_name, ddm_endpoint_override.
Credentials: a token wins over an access key, which wins over a password. The DDM endpoint is
--endpoint, DDM_ENDPOINT or ddm_endpoint_override; with a password it may come from the token's
catalog instead. A token or an access key needs the project id (OS_PROJECT_ID).`,
  );
}

/** The client options for a plan: the SDK's shape of the same settings. */
export function clientOptions(plan: ConnectionPlan): DdmClientOptions {
  const common = {
    ...(plan.endpoint === undefined ? {} : { endpoint: plan.endpoint }),
    ...(plan.projectId === undefined ? {} : { projectId: plan.projectId }),
    ...(plan.regionName === undefined ? {} : { regionName: plan.regionName }),
    ...(plan.timeoutMs === undefined ? {} : { timeoutMs: plan.timeoutMs }),
  };
  if (plan.kind === 'token') return { ...common, auth: { token: plan.token } };
  if (plan.kind === 'aksk')
    return { ...common, auth: { accessKey: plan.accessKey, secretKey: plan.secretKey } };
  return {
    ...common,
    auth: {
      password: {
        authUrl: plan.authUrl,
        username: plan.username,
        password: plan.password,
        ...(plan.userDomainName === undefined ? {} : { userDomainName: plan.userDomainName }),
        ...(plan.userDomainId === undefined ? {} : { userDomainId: plan.userDomainId }),
        ...(plan.projectId === undefined ? {} : { projectId: plan.projectId }),
        ...(plan.projectName === undefined ? {} : { projectName: plan.projectName }),
        ...(plan.projectDomainName === undefined ? {} : { projectDomainName: plan.projectDomainName }),
        ...(plan.projectDomainId === undefined ? {} : { projectDomainId: plan.projectDomainId }),
      },
    },
  };
}

/** This process's environment, working folder and home folder (HOME first, as shells set it). */
export function processSurroundings(): Surroundings {
  return { env: process.env, cwd: process.cwd(), home: process.env.HOME || homedir() };
}

/** A client of the tenant commands and the server's clock it reads from the answers. */
export interface Connection {
  client: DdmClient;
  clock: ServerClock;
  /** Now on the server's clock, once it answered (see ServerClock.sync). */
  serverNow(): Promise<number>;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * A client for the tenant commands, configured from the flags, the environment and clouds.yaml
 * (flags beat environment beats file), on the server's clock: its requests go through a
 * ServerClock, which also dates access-key signatures (a virtual clock may be months away from
 * this machine's, and the server refuses a signature 15 minutes off). Rejects with a usage error
 * (exit 2) when nothing authenticates or no endpoint can be found, naming what to set. Nothing
 * is sent yet, except a HEAD to learn the clock before the first signature: a wrong password
 * shows on the first call.
 */
export async function connectWithClock(
  options: ConnectionFlags,
  surroundings: Surroundings = processSurroundings(),
): Promise<Connection> {
  const plan = resolveConnection(options, surroundings);
  const clock = new ServerClock();
  const client = new DdmClient({ ...clientOptions(plan), fetch: clock.fetch, now: clock.now });
  const timeoutMs = plan.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (plan.kind === 'aksk') await clock.sync(client, timeoutMs);
  return {
    client,
    clock,
    async serverNow() {
      await clock.sync(client, timeoutMs);
      return clock.now();
    },
  };
}

/** `connectWithClock`'s client, for the commands that reckon no time. */
export async function connect(
  options: ConnectionFlags,
  surroundings: Surroundings = processSurroundings(),
): Promise<DdmClient> {
  return (await connectWithClock(options, surroundings)).client;
}
