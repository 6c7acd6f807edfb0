import { join } from 'node:path';
import {
  ACCESS_KEY_PATTERN,
  CREDENTIAL_KEY_FILE,
  newAccessKey,
  newSecretKey,
  openCredentialVault,
  rotateCredentialKey,
} from '@ddm-jobs/server/admin';
import { Argument, type Command, InvalidArgumentError, Option } from 'commander';
import { domainOption, parseName } from './arguments.js';
import { type Iam, withIam } from './context.js';
import { IamError } from './iam-error.js';
import { type OutputFormat, outputOption, printRows } from './output.js';

const keyFileOption = () =>
  new Option(
    '--credential-key-file <file>',
    'key file sealing the secret keys (the server’s; default: credential.key in the data folder)',
  ).env('DDM_JOBS_CREDENTIAL_KEY_FILE');

const keyFileOf = (command: Command) => {
  const { dataDir, credentialKeyFile } = command.optsWithGlobals<{
    dataDir: string;
    credentialKeyFile?: string;
  }>();
  return credentialKeyFile ?? join(dataDir, CREDENTIAL_KEY_FILE);
};

const accessKeyArgument = () =>
  new Argument('<access-key>', 'the access key (AK)').argParser((value: string) => {
    if (!ACCESS_KEY_PATTERN.test(value)) throw new InvalidArgumentError('must be 20 of A-Z and 0-9.');
    return value;
  });

/** `ddm-jobs iam credentials create|list|disable|enable|delete|rotate-key`. */
export function credentialCommands(iam: Command): void {
  const credentials = iam
    .command('credentials')
    .description('manage access keys (AK/SK pairs that sign requests with SDK-HMAC-SHA256)')
    .addOption(keyFileOption())
    .addHelpText(
      'after',
      `
The secret key is stored sealed (AES-256-GCM) with the key in --credential-key-file, kept apart
from the database. Changes take effect at once, also on a running server.

Examples:
  $ ddm-jobs iam credentials create --user alice
  $ ddm-jobs iam credentials list --user alice
  $ ddm-jobs iam credentials disable HPUAEXAMPLEAK0000001
  $ ddm-jobs iam credentials rotate-key`,
    );

  credentials
    .command('create')
    .description('create an access key for a user; the secret key is printed this once')
    .requiredOption('--user <name>', 'user name', parseName)
    .addOption(domainOption('--domain <domain>', 'the user’s domain name'))
    .addHelpText('after', '\nExamples:\n  $ ddm-jobs iam credentials create --user worker --domain acme')
    .action(async (options: { user: string; domain: string }, command: Command) => {
      await withIam(command, 'existing', async (iam) => {
        const user = await iam.user(options.user, options.domain);
        const vault = openCredentialVault(keyFileOf(command));
        const accessKey = newAccessKey();
        const secretKey = newSecretKey();
        await iam.store.createCredential({
          accessKey,
          userId: user.id,
          sealedSecret: vault.seal(accessKey, secretKey),
          enabled: true,
          createdAt: iam.now(),
        });
        iam.print(`created an access key for user ${user.name} in domain ${options.domain}`);
        iam.print(`access key: ${accessKey}`);
        iam.print(`secret key (shown this once): ${secretKey}`);
      });
    });

  credentials
    .command('list')
    .description('list the access keys (never the secret keys)')
    .option('--user <name>', 'only this user’s', parseName)
    .addOption(domainOption('--domain <domain>', 'the user’s domain name'))
    .addOption(outputOption())
    .addHelpText(
      'after',
      '\nExamples:\n  $ ddm-jobs iam credentials list\n  $ ddm-jobs iam credentials list --user alice -o json',
    )
    .action(async (options: { user?: string; domain: string; output: OutputFormat }, command: Command) => {
      await withIam(command, 'existing', async (iam) => {
        const only = options.user === undefined ? undefined : await iam.user(options.user, options.domain);
        const users = new Map((await iam.store.listUsers()).map((u) => [u.id, u]));
        const domains = new Map((await iam.store.listDomains()).map((d) => [d.id, d.name]));
        const rows = (await iam.store.listCredentials(only ? { userId: only.id } : {})).map((c) => {
          const user = users.get(c.userId);
          return {
            access_key: c.accessKey,
            user: user?.name ?? c.userId,
            domain: user ? (domains.get(user.domainId) ?? user.domainId) : '',
            user_id: c.userId,
            enabled: c.enabled,
            created_at: new Date(c.createdAt).toISOString(),
          };
        });
        const columns: [string, keyof (typeof rows)[number]][] = [
          ['ACCESS KEY', 'access_key'],
          ['USER', 'user'],
          ['DOMAIN', 'domain'],
          ['ENABLED', 'enabled'],
          ['CREATED', 'created_at'],
        ];
        printRows(options.output, columns, rows, iam.print);
      });
    });

  const onKey = (name: string, description: string, act: (iam: Iam, accessKey: string) => Promise<boolean>) =>
    credentials
      .command(name)
      .description(description)
      .addArgument(accessKeyArgument())
      .addHelpText('after', `\nExamples:\n  $ ddm-jobs iam credentials ${name} HPUAEXAMPLEAK0000001`)
      .action(async (accessKey: string, _options: unknown, command: Command) => {
        await withIam(command, 'existing', async (iam) => {
          if (!(await act(iam, accessKey))) throw new IamError(`access key ${accessKey} not found`);
          iam.print(`${name}d access key ${accessKey}`);
        });
      });
  onKey('disable', 'disable an access key: its signatures are refused at once', (iam, ak) =>
    iam.store.setCredentialEnabled(ak, false),
  );
  onKey('enable', 'enable a disabled access key', (iam, ak) => iam.store.setCredentialEnabled(ak, true));
  onKey('delete', 'delete an access key', (iam, ak) => iam.store.deleteCredential(ak));

  credentials
    .command('rotate-key')
    .description('replace the credential key file’s key, re-sealing every secret key with the new one')
    .addHelpText(
      'after',
      `
Running servers follow without a restart. Interrupted, run it again: it resumes.

Examples:
  $ ddm-jobs iam credentials rotate-key
  $ ddm-jobs iam credentials rotate-key --credential-key-file /etc/ddm-jobs/credential.key`,
    )
    .action(async (_options: unknown, command: Command) => {
      await withIam(command, 'existing', async (iam) => {
        const file = keyFileOf(command);
        const count = await rotateCredentialKey(file, (change) => iam.store.resealCredentials(change));
        iam.print(`rotated the key in ${file}; re-sealed ${count} secret key${count === 1 ? '' : 's'}`);
      });
    });
}
