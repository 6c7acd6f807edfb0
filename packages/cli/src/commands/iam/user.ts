import { hashPassword, newId, type User } from '@ddm-jobs/server/admin';
import { Argument, type Command } from 'commander';
import { domainOption, parseName } from './arguments.js';
import { type Iam, withIam } from './context.js';
import { IamError } from './iam-error.js';
import { type OutputFormat, outputOption, printRows } from './output.js';
import {
  type PasswordOptions,
  passwordFrom,
  passwordOptions,
  passwordOrGenerated,
} from './password-input.js';

const nameArgument = () => new Argument('<name>', 'user name').argParser(parseName);

/** `ddm-jobs iam user create|list|disable|enable|delete|set-password`. */
export function userCommands(iam: Command): void {
  const [createPassword, createPasswordStdin] = passwordOptions('the password');
  const user = iam
    .command('user')
    .description('manage users (who sign in with POST /v3/auth/tokens)')
    .addHelpText(
      'after',
      `
Changes take effect at once, also on a running server: disabling or deleting a user, or setting
its password, ends the tokens issued to it before.

Examples:
  $ ddm-jobs iam user create alice
  $ ddm-jobs iam user disable alice
  $ ddm-jobs iam user list`,
    );

  user
    .command('create')
    .description('create a user; without a password option, one is generated and printed once')
    .addArgument(new Argument('<name>', 'user name, unique in its domain').argParser(parseName))
    .addOption(domainOption())
    .addOption(createPassword)
    .addOption(createPasswordStdin)
    .addHelpText(
      'after',
      `
Examples:
  $ ddm-jobs iam user create alice
  $ printf '%s' "$ALICE_PASSWORD" | ddm-jobs iam user create alice --password-stdin
  $ ddm-jobs iam user create worker --domain acme --password 'correct horse battery staple'`,
    )
    .action(async (name: string, options: PasswordOptions & { domain: string }, command: Command) => {
      const { password, generated } = await passwordOrGenerated(options);
      await withIam(command, 'may-create', async (iam) => {
        const domain = await iam.domain(options.domain);
        if (await iam.store.findUser({ name, domainId: domain.id }))
          throw new IamError(`user ${name} already exists in domain ${domain.name}`);
        const id = newId();
        const passwordHash = await hashPassword(password);
        await iam.store.createUser({ id, name, domainId: domain.id, passwordHash, enabled: true }, iam.now());
        iam.print(`created user ${name} in domain ${domain.name} (id ${id})`);
        if (generated) iam.print(`generated password (shown this once): ${password}`);
      });
    });

  user
    .command('list')
    .description('list the users')
    .addOption(outputOption())
    .addHelpText(
      'after',
      `
Examples:
  $ ddm-jobs iam user list
  $ ddm-jobs iam user list --output json`,
    )
    .action(async (options: { output: OutputFormat }, command: Command) => {
      await withIam(command, 'existing', async (iam) => {
        const domains = new Map((await iam.store.listDomains()).map((d) => [d.id, d.name]));
        const rows = (await iam.store.listUsers()).map((u) => ({
          id: u.id,
          name: u.name,
          domain: domains.get(u.domainId) ?? u.domainId,
          domain_id: u.domainId,
          enabled: u.enabled,
        }));
        printRows(
          options.output,
          [
            ['ID', 'id'],
            ['NAME', 'name'],
            ['DOMAIN', 'domain'],
            ['ENABLED', 'enabled'],
          ],
          rows,
          iam.print,
        );
      });
    });

  /** A command on one existing user, named by name and domain. */
  const onUser = (
    name: string,
    description: string,
    examples: string[],
    act: (iam: Iam, user: User, domain: string) => Promise<void>,
  ) =>
    user
      .command(name)
      .description(description)
      .addArgument(nameArgument())
      .addOption(domainOption())
      .addHelpText('after', `\nExamples:\n${examples.map((e) => `  $ ddm-jobs iam user ${e}`).join('\n')}`)
      .action(async (userName: string, options: { domain: string }, command: Command) => {
        await withIam(command, 'existing', async (iam) =>
          act(iam, await iam.user(userName, options.domain), options.domain),
        );
      });

  onUser(
    'disable',
    'disable a user: it cannot sign in, and its tokens stop working at once',
    ['disable alice', 'disable worker --domain acme'],
    async (iam, found, domain) => {
      await iam.store.setUserEnabled(found.id, false);
      iam.print(`disabled user ${found.name} in domain ${domain}`);
    },
  );

  onUser(
    'enable',
    'enable a disabled user',
    ['enable alice', 'enable worker --domain acme'],
    async (iam, found, domain) => {
      await iam.store.setUserEnabled(found.id, true);
      iam.print(`enabled user ${found.name} in domain ${domain}`);
    },
  );

  onUser(
    'delete',
    'delete a user and its roles; its tokens stop working at once',
    ['delete alice', 'delete worker --domain acme'],
    async (iam, found, domain) => {
      await iam.store.deleteUser(found.id);
      iam.print(`deleted user ${found.name} in domain ${domain}`);
    },
  );

  const [password, passwordStdin] = passwordOptions('the new password');
  user
    .command('set-password')
    .description('set a user’s password; the tokens issued before stop working at once')
    .addArgument(nameArgument())
    .addOption(domainOption())
    .addOption(password)
    .addOption(passwordStdin)
    .addHelpText(
      'after',
      `
Examples:
  $ printf '%s' "$NEW_PASSWORD" | ddm-jobs iam user set-password alice --password-stdin
  $ ddm-jobs iam user set-password worker --domain acme --password 'correct horse battery staple'`,
    )
    .action(async (name: string, options: PasswordOptions & { domain: string }, command: Command) => {
      const given = await passwordFrom(options);
      if (!given) command.error('error: set-password needs --password or --password-stdin', { exitCode: 2 });
      await withIam(command, 'existing', async (iam) => {
        const found = await iam.user(name, options.domain);
        await iam.store.setUserPassword(found.id, await hashPassword(given.password));
        iam.print(`set the password of user ${found.name} in domain ${options.domain}`);
      });
    });
}
