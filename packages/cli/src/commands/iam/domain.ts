import { newId } from '@ddm-jobs/server/admin';
import { Argument, type Command, Option } from 'commander';
import { parseId, parseName } from './arguments.js';
import { withIam } from './context.js';
import { IamError } from './iam-error.js';
import { type OutputFormat, outputOption, printRows } from './output.js';

/** `ddm-jobs iam domain create|list`. */
export function domainCommands(iam: Command): void {
  const domain = iam
    .command('domain')
    .description('manage domains (the namespaces of users and projects)')
    .addHelpText(
      'after',
      `
Examples:
  $ ddm-jobs iam domain create acme
  $ ddm-jobs iam domain list`,
    );

  domain
    .command('create')
    .description('create a domain')
    .addArgument(new Argument('<name>', 'domain name, unique').argParser(parseName))
    .addOption(new Option('--id <id>', 'domain id (default: 32 random hex digits)').argParser(parseId))
    .addHelpText(
      'after',
      `
Examples:
  $ ddm-jobs iam domain create acme
  $ ddm-jobs iam domain create acme --id 3b7ac1c4e3a94de6b1f1d7d1c2a3b4c5 --data-dir /var/lib/ddm-jobs`,
    )
    .action(async (name: string, options: { id?: string }, command: Command) => {
      await withIam(command, 'may-create', async (iam) => {
        if (await iam.store.findDomain({ name })) throw new IamError(`domain ${name} already exists`);
        if (options.id) {
          const taken = await iam.store.findDomain({ id: options.id });
          if (taken) throw new IamError(`domain id ${options.id} is taken by domain ${taken.name}`);
        }
        const id = options.id ?? newId();
        await iam.store.createDomain({ id, name }, iam.now());
        iam.print(`created domain ${name} (id ${id})`);
      });
    });

  domain
    .command('list')
    .description('list the domains')
    .addOption(outputOption())
    .addHelpText(
      'after',
      `
Examples:
  $ ddm-jobs iam domain list
  $ ddm-jobs iam domain list --output json`,
    )
    .action(async (options: { output: OutputFormat }, command: Command) => {
      await withIam(command, 'existing', async (iam) => {
        const rows = (await iam.store.listDomains()).map(({ id, name }) => ({ id, name }));
        printRows(
          options.output,
          [
            ['ID', 'id'],
            ['NAME', 'name'],
          ],
          rows,
          iam.print,
        );
      });
    });
}
