import { newId } from '@ddm-jobs/server/admin';
import { Argument, type Command, Option } from 'commander';
import { domainOption, parseId, parseName } from './arguments.js';
import { withIam } from './context.js';
import { IamError } from './iam-error.js';
import { type OutputFormat, outputOption, printRows } from './output.js';

/** `ddm-jobs iam project create|list`. */
export function projectCommands(iam: Command): void {
  const project = iam
    .command('project')
    .description('manage projects (the tenants whose tasks are listed under /v3/{project_id}/jobs)')
    .addHelpText(
      'after',
      `
Examples:
  $ ddm-jobs iam project create tenant-a
  $ ddm-jobs iam project list`,
    );

  project
    .command('create')
    .description('create a project')
    .addArgument(new Argument('<name>', 'project name, unique in its domain').argParser(parseName))
    .addOption(domainOption())
    .addOption(
      new Option(
        '--id <id>',
        'project id, as in /v3/{project_id}/jobs (default: 32 random hex digits)',
      ).argParser(parseId),
    )
    .addHelpText(
      'after',
      `
Examples:
  $ ddm-jobs iam project create tenant-a
  $ ddm-jobs iam project create tenant-b --domain acme --id 619d3e78f61b4be68bc5aa0b59edcf7b`,
    )
    .action(async (name: string, options: { domain: string; id?: string }, command: Command) => {
      await withIam(command, 'may-create', async (iam) => {
        const domain = await iam.domain(options.domain);
        if (await iam.store.findProject({ name, domainId: domain.id }))
          throw new IamError(`project ${name} already exists in domain ${domain.name}`);
        if (options.id) {
          const taken = await iam.store.findProject({ id: options.id });
          if (taken) throw new IamError(`project id ${options.id} is taken by project ${taken.name}`);
        }
        const id = options.id ?? newId();
        await iam.store.createProject({ id, name, domainId: domain.id }, iam.now());
        iam.print(`created project ${name} in domain ${domain.name} (id ${id})`);
      });
    });

  project
    .command('list')
    .description('list the projects')
    .addOption(outputOption())
    .addHelpText(
      'after',
      `
Examples:
  $ ddm-jobs iam project list
  $ ddm-jobs iam project list --output json`,
    )
    .action(async (options: { output: OutputFormat }, command: Command) => {
      await withIam(command, 'existing', async (iam) => {
        const domains = new Map((await iam.store.listDomains()).map((d) => [d.id, d.name]));
        const rows = (await iam.store.listProjects()).map((p) => ({
          id: p.id,
          name: p.name,
          domain: domains.get(p.domainId) ?? p.domainId,
          domain_id: p.domainId,
        }));
        printRows(
          options.output,
          [
            ['ID', 'id'],
            ['NAME', 'name'],
            ['DOMAIN', 'domain'],
          ],
          rows,
          iam.print,
        );
      });
    });
}
