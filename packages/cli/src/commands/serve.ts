import { DEFAULT_ACTION_ROLES, parseRoleList } from '@ddm-jobs/server/admin';
import { type Command, InvalidArgumentError, Option, type OptionValues } from 'commander';
import { UsageError } from '../tenant/usage-error.js';
import {
  type DatabaseOptions,
  databaseLocation,
  databaseSchemaOption,
  databaseUrlOption,
} from './database-options.js';
import { applyConfigFile } from './serve-config.js';
import { startupOutput } from './serve-output.js';
import { parseTrustProxy } from './trust-proxy.js';

/** An http(s) URL without a trailing slash, e.g. for `--iam-url`. */
export function parseHttpUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('must be an http or https URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new InvalidArgumentError('must be an http or https URL.');
  return value.replace(/\/+$/, '');
}

/** A rate in requests a second: a whole number, 0 for no limit. */
export function parseRate(value: string): number {
  if (!/^\d{1,9}$/.test(value))
    throw new InvalidArgumentError('must be a whole number of requests a second (0: no limit).');
  return Number(value);
}

/** An instant for `--clock-start`: epoch milliseconds, or an ISO 8601 date-time with its zone. */
export function parseInstant(value: string): number {
  if (/^\d{1,16}$/.test(value)) return Number(value);
  const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})$/;
  const ms = iso.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms) || ms < 0)
    throw new InvalidArgumentError(
      'must be epoch milliseconds or an ISO 8601 time with a zone, e.g. 2026-01-01T00:00:00Z.',
    );
  return ms;
}

/** A parser of days: a whole number from `min` to 3650 (ten years). */
export function daysFrom(min: number): (value: string) => number {
  return (value) => {
    if (!/^\d{1,4}$/.test(value) || Number(value) < min || Number(value) > 3650)
      throw new InvalidArgumentError(`must be a whole number of days from ${min} to 3650.`);
    return Number(value);
  };
}

/** `--action-roles te_admin,ddm_operator`: one or more role names, separated by commas. */
export function parseActionRoles(value: string): string[] {
  const parsed = parseRoleList(value);
  if ('error' in parsed) throw new InvalidArgumentError(parsed.error);
  return parsed.roles;
}

/**
 * A switch set through its environment variable (`DDM_JOBS_EMULATOR=1`): commander turns a switch
 * on whenever its variable is set, so `DDM_JOBS_EMULATOR=false` would turn it on. Read here as
 * people write it: 1, true, yes or on; 0, false, no, off or empty; anything else is a usage error.
 */
export function readEnvSwitch(command: Command, attribute: string, variable: string): void {
  if (command.getOptionValueSource(attribute) !== 'env') return;
  const value = (process.env[variable] ?? '').trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(value)) command.setOptionValueWithSource(attribute, true, 'env');
  else if (['0', 'false', 'no', 'off', ''].includes(value))
    command.setOptionValueWithSource(attribute, undefined, 'env');
  else
    throw new UsageError(
      `${variable} must be 1, true, yes or on (or 0, false, no, off to leave it off), not '${value}'.`,
    );
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535)
    throw new InvalidArgumentError('must be a port number from 0 to 65535.');
  return port;
}

/**
 * `ddm-jobs serve`: every flag also reads an environment variable and a key of the `--config`
 * file; a flag beats its variable, which beats the file, which beats the default.
 */
export function serveCommand(program: Command): void {
  program
    .command('serve')
    .description('run the task service (embedded SQLite in the data folder, or PostgreSQL)')
    .addOption(
      new Option(
        '--config <file>',
        'YAML file of serve options, keyed by the flags without -- (docs/configuration.md)',
      ).env('DDM_JOBS_CONFIG'),
    )
    .addOption(new Option('--host <host>', 'address to listen on').env('DDM_JOBS_HOST').default('127.0.0.1'))
    .addOption(
      new Option('--port <port>', 'port to listen on (0: any free port)')
        .env('DDM_JOBS_PORT')
        .default(8080)
        .argParser(parsePort),
    )
    .addOption(
      new Option('--data-dir <dir>', 'data folder (the SQLite file, credential.key)')
        .env('DDM_JOBS_DATA_DIR')
        .default('./data'),
    )
    .addOption(databaseUrlOption())
    .addOption(databaseSchemaOption())
    .addOption(
      new Option('--bootstrap <file>', 'YAML or JSON file declaring domains, projects and users').env(
        'DDM_JOBS_BOOTSTRAP',
      ),
    )
    .addOption(new Option('--no-demo', 'do not record the demo tasks in project default'))
    .addOption(
      new Option('--time-zone <zone>', 'IANA time zone of the times in task bodies')
        .env('DDM_JOBS_TIME_ZONE')
        .default('UTC'),
    )
    .addOption(
      new Option('--public-url <url>', 'URL clients reach this server at, for the identity catalog').env(
        'DDM_JOBS_PUBLIC_URL',
      ),
    )
    .addOption(
      new Option('--region <region>', 'region named in the identity catalog')
        .env('DDM_JOBS_REGION')
        .default('local'),
    )
    .addOption(
      new Option(
        '--iam-url <url>',
        'Keystone-compatible IAM that validates X-Auth-Token (GET <url>/v3/auth/tokens); this server then issues no tokens',
      )
        .env('DDM_JOBS_IAM_URL')
        .argParser(parseHttpUrl),
    )
    .addOption(
      new Option(
        '--credential-key-file <file>',
        'key file sealing the secret keys of access keys (default: credential.key in the data folder)',
      ).env('DDM_JOBS_CREDENTIAL_KEY_FILE'),
    )
    .addOption(
      new Option(
        '--action-roles <roles>',
        'roles that may act on tasks (cancel, retry, roll back, clean, switch, change the window), comma-separated; any role on a project reads its tasks',
      )
        .env('DDM_JOBS_ACTION_ROLES')
        .default([...DEFAULT_ACTION_ROLES], DEFAULT_ACTION_ROLES.join(','))
        .argParser(parseActionRoles),
    )
    .addOption(
      new Option(
        '--rate-limit <n>',
        'requests a second per tenant credential (token user or access key), per node; 0: none',
      )
        .env('DDM_JOBS_RATE_LIMIT')
        .default(100)
        .argParser(parseRate),
    )
    .addOption(
      new Option(
        '--service-rate-limit <n>',
        'requests a second per credential of a control-plane worker (role service) on the internal API, per node; 0: none',
      )
        .env('DDM_JOBS_SERVICE_RATE_LIMIT')
        .default(10_000)
        .argParser(parseRate),
    )
    .addOption(
      new Option('--address-rate-limit <n>', 'requests a second per source address, per node; 0: none')
        .env('DDM_JOBS_ADDRESS_RATE_LIMIT')
        .default(1000)
        .argParser(parseRate),
    )
    .addOption(
      new Option(
        '--max-streams-per-user <n>',
        'event streams (tenant stream and internal feed) one user may hold open at once, per node; 0: none',
      )
        .env('DDM_JOBS_MAX_STREAMS_PER_USER')
        .default(10)
        .argParser(parseRate),
    )
    .addOption(
      new Option(
        '--retention-grace-days <days>',
        'days tasks are kept past the 30-day window before they are purged (with their feed entries)',
      )
        .env('DDM_JOBS_RETENTION_GRACE_DAYS')
        .default(7)
        .argParser(daysFrom(0)),
    )
    .addOption(
      new Option(
        '--feed-retention-days <days>',
        'days the change feed keeps its entries (a consumer away longer misses what was purged)',
      )
        .env('DDM_JOBS_FEED_RETENTION_DAYS')
        .default(2)
        .argParser(daysFrom(1)),
    )
    .addOption(
      new Option('--clock <kind>', 'real, or virtual: frozen until moved through POST /internal/v1/clock')
        .env('DDM_JOBS_CLOCK')
        .choices(['real', 'virtual'])
        .default('real'),
    )
    .addOption(
      new Option(
        '--clock-start <instant>',
        'where the virtual clock starts: epoch ms or ISO 8601 (default: now)',
      )
        .env('DDM_JOBS_CLOCK_START')
        .argParser(parseInstant),
    )
    .addOption(
      new Option(
        '--emulator',
        'offer POST /internal/v1/reset: empty the tasks, apply the declared files again',
      ).env('DDM_JOBS_EMULATOR'),
    )
    .addOption(
      new Option('--scenario <file>', 'YAML or JSON file of simulated tasks and their timelines').env(
        'DDM_JOBS_SCENARIO',
      ),
    )
    .addOption(
      new Option(
        '--snapshot <file>',
        "start from a snapshot (ddm-jobs emulator save): its state replaces the database's (with --emulator)",
      ).env('DDM_JOBS_SNAPSHOT'),
    )
    .addOption(
      new Option('--console-dir <dir>', 'the built web console served under /console/').env(
        'DDM_JOBS_CONSOLE_DIR',
      ),
    )
    .addOption(
      new Option('--log-level <level>', 'log level')
        .env('DDM_JOBS_LOG_LEVEL')
        .choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
        .default('info'),
    )
    .addOption(
      new Option(
        '--log-format <format>',
        'json: one JSON object a line on stdout (the default unless stdout is a terminal); pretty: lines for people (the default on a terminal)',
      )
        .env('DDM_JOBS_LOG_FORMAT')
        .choices(['json', 'pretty']),
    )
    .addOption(
      new Option(
        '--trust-proxy <list>',
        'addresses or CIDRs of reverse proxies whose X-Forwarded-For/-Proto are believed, comma-separated (docs/deployment.md)',
      )
        .env('DDM_JOBS_TRUST_PROXY')
        .argParser(parseTrustProxy),
    )
    .addHelpText(
      'after',
      `
Environment: DDM_JOBS_ADMIN_PASSWORD sets the password of the admin user created on a first start
without --bootstrap (otherwise one is generated and printed once). Prefer DDM_JOBS_DATABASE_URL
to --database-url when the URL holds a password: other users may see a process's arguments.
Nodes sharing one PostgreSQL database must share one credential key file too.

Examples:
  $ ddm-jobs serve
  $ ddm-jobs serve --port 9000 --data-dir /var/lib/ddm-jobs --no-demo
  $ ddm-jobs serve --bootstrap identities.yaml --time-zone Europe/Berlin
  $ ddm-jobs serve --iam-url https://iam.example.com --action-roles te_admin,ddm_operator
  $ DDM_JOBS_DATABASE_URL=postgres://ddm:secret@db:5432/ddm ddm-jobs serve --credential-key-file /etc/ddm-jobs/credential.key
  $ ddm-jobs serve --config /etc/ddm-jobs/ddm-jobs.yaml --port 9090
  $ ddm-jobs serve --host 127.0.0.1 --trust-proxy 127.0.0.1 --public-url https://ddm.example.com --log-format json
  $ ddm-jobs serve --emulator --clock virtual --clock-start 2026-01-01T00:00:00Z --scenario scenarios/healthy-migration.yaml`,
    )
    .action(async (_flags, command: Command) => {
      readEnvSwitch(command, 'emulator', 'DDM_JOBS_EMULATOR');
      const configFile: string | undefined = command.opts().config || undefined;
      if (configFile) applyConfigFile(command, configFile);
      const options = command.opts<DatabaseOptions & OptionValues>();
      const location = databaseLocation(options);
      // Loaded here, not at the top: the HTTP server is heavy to load and only `serve` needs it.
      const { closeOnSignals, startServer } = await import('@ddm-jobs/server');
      const output = await startupOutput(options.logFormat ?? (process.stdout.isTTY ? 'pretty' : 'json'));
      if (configFile) output.print(`Configuration: ${configFile}`);
      const server = await startServer({
        host: options.host,
        port: options.port,
        ...location,
        bootstrapFile: options.bootstrap,
        adminPassword: process.env.DDM_JOBS_ADMIN_PASSWORD || undefined,
        demo: options.demo,
        timeZone: options.timeZone,
        publicUrl: options.publicUrl?.replace(/\/+$/, ''),
        region: options.region,
        iamUrl: options.iamUrl,
        credentialKeyFile: options.credentialKeyFile,
        rateLimits: {
          perCredential: options.rateLimit,
          perServiceCredential: options.serviceRateLimit,
          perAddress: options.addressRateLimit,
        },
        retentionGraceDays: options.retentionGraceDays,
        feedRetentionDays: options.feedRetentionDays,
        maxStreamsPerUser: options.maxStreamsPerUser,
        actionRoles: options.actionRoles,
        clock: options.clock,
        clockStart: options.clockStart,
        emulator: options.emulator === true,
        scenarioFile: options.scenario,
        snapshotFile: options.snapshot,
        consoleDir: options.consoleDir,
        logLevel: options.logLevel,
        logFormat: output.format,
        trustProxy: options.trustProxy,
        print: output.print,
        printSecret: output.printSecret,
      });
      closeOnSignals(server, output.print);
    });
}
