import { Argument, type Command, Option } from 'commander';
import { domainOption, parseName, parseRole } from './arguments.js';
import { type Iam, withIam } from './context.js';
import { IamError } from './iam-error.js';
import { type OutputFormat, outputOption, printRows } from './output.js';

interface AssignmentOptions {
  user: string;
  userDomain: string;
  project: string;
  projectDomain?: string;
}

/** A project's domain defaults to its user's, as `project_domain` does in the bootstrap file. */
const projectDomainOption = () =>
  new Option('--project-domain <domain>', 'domain of the project (default: the user’s domain)').argParser(
    parseName,
  );

async function resolve(iam: Iam, options: AssignmentOptions) {
  const user = await iam.user(options.user, options.userDomain);
  const projectDomain = options.projectDomain ?? options.userDomain;
  const project = await iam.project(options.project, projectDomain);
  return { user, project, where: `user ${user.name} on project ${project.name} (domain ${projectDomain})` };
}

/** `ddm-jobs iam role grant|revoke|list`. */
export function roleCommands(iam: Command): void {
  const role = iam
    .command('role')
    .description('manage the roles of users on projects')
    .addHelpText(
      'after',
      `
What the roles mean:
  any role    reads the project's tasks: list, show, history, the event stream
  te_admin    also acts on them: cancel, retry, roll back, clean, switch, change the window
              (the roles that act are the server's --action-roles, te_admin by default)
  readonly    reads only; every action is refused (403 APIGW.0302)
  service     a control-plane worker: the internal API, for every project; not an action role
  admin       may validate other users' tokens (GET /v3/auth/tokens), as service may; a token
              validates its own user's tokens whatever its role
Changes take effect at once, also on a running server.

Examples:
  $ ddm-jobs iam role grant te_admin --user alice --project tenant-a
  $ ddm-jobs iam role grant readonly --user bob --project tenant-a
  $ ddm-jobs iam role list --user alice`,
    );

  const assignmentCommand = (name: string, description: string, example: string) =>
    role
      .command(name)
      .description(description)
      .addArgument(new Argument('<role>', 'role name, e.g. te_admin, readonly, service').argParser(parseRole))
      .addOption(new Option('--user <name>', 'user name').argParser(parseName).makeOptionMandatory())
      .addOption(domainOption('--user-domain <domain>', 'domain of the user'))
      .addOption(new Option('--project <name>', 'project name').argParser(parseName).makeOptionMandatory())
      .addOption(projectDomainOption())
      .addHelpText(
        'after',
        `
Examples:
  $ ddm-jobs iam role ${name} ${example} --user alice --project tenant-a
  $ ddm-jobs iam role ${name} service --user worker --user-domain acme --project tenant-b --project-domain default`,
      );

  assignmentCommand(
    'grant',
    'grant a role to a user on a project (granting it again does nothing)',
    'te_admin',
  ).action(async (roleName: string, options: AssignmentOptions, command: Command) => {
    await withIam(command, 'existing', async (iam) => {
      const { user, project, where } = await resolve(iam, options);
      const had = (await iam.store.rolesOn(user.id, project.id)).includes(roleName);
      await iam.store.grantRole(user.id, project.id, roleName);
      iam.print(had ? `${where} already has role ${roleName}` : `granted role ${roleName} to ${where}`);
    });
  });

  assignmentCommand(
    'revoke',
    'revoke a role of a user on a project; it takes effect at once',
    'readonly',
  ).action(async (roleName: string, options: AssignmentOptions, command: Command) => {
    await withIam(command, 'existing', async (iam) => {
      const { user, project, where } = await resolve(iam, options);
      if (!(await iam.store.rolesOn(user.id, project.id)).includes(roleName))
        throw new IamError(`${where} has no role ${roleName}`);
      await iam.store.revokeRole(user.id, project.id, roleName);
      iam.print(`revoked role ${roleName} of ${where}`);
    });
  });

  role
    .command('list')
    .description('list role assignments, all or those of a user and/or a project')
    .addOption(new Option('--user <name>', 'only the roles of this user').argParser(parseName))
    .addOption(domainOption('--user-domain <domain>', 'domain of --user'))
    .addOption(new Option('--project <name>', 'only the roles on this project').argParser(parseName))
    .addOption(projectDomainOption())
    .addOption(outputOption())
    .addHelpText(
      'after',
      `
Examples:
  $ ddm-jobs iam role list
  $ ddm-jobs iam role list --user alice
  $ ddm-jobs iam role list --project tenant-a --output json`,
    )
    .action(
      async (
        options: {
          user?: string;
          userDomain: string;
          project?: string;
          projectDomain?: string;
          output: OutputFormat;
        },
        command: Command,
      ) => {
        await withIam(command, 'existing', async (iam) => {
          const filter: { userId?: string; projectId?: string } = {};
          if (options.user) filter.userId = (await iam.user(options.user, options.userDomain)).id;
          if (options.project)
            filter.projectId = (
              await iam.project(options.project, options.projectDomain ?? options.userDomain)
            ).id;
          const domains = new Map((await iam.store.listDomains()).map((d) => [d.id, d.name]));
          const users = new Map((await iam.store.listUsers()).map((u) => [u.id, u]));
          const projects = new Map((await iam.store.listProjects()).map((p) => [p.id, p]));
          const rows = (await iam.store.listRoleAssignments(filter)).map((a) => {
            const user = users.get(a.userId);
            const project = projects.get(a.projectId);
            return {
              role: a.role,
              user: user?.name ?? a.userId,
              user_id: a.userId,
              user_domain: (user && domains.get(user.domainId)) ?? '',
              project: project?.name ?? a.projectId,
              project_id: a.projectId,
              project_domain: (project && domains.get(project.domainId)) ?? '',
            };
          });
          printRows(
            options.output,
            [
              ['ROLE', 'role'],
              ['USER', 'user'],
              ['USER DOMAIN', 'user_domain'],
              ['PROJECT', 'project'],
              ['PROJECT DOMAIN', 'project_domain'],
              ['PROJECT ID', 'project_id'],
            ],
            rows,
            iam.print,
          );
        });
      },
    );
}
