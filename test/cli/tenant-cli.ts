import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, type Finished, runToEnd } from '../support/processes.js';
import { ADMIN_PASSWORD, iam, type servers, signInAdmin, type tempDirs } from './cli-process.js';

// The tenant commands as a person runs them: the built CLI in a real process, against a real
// `ddm-jobs serve` process, with an environment of the test's own making.

/**
 * What in the developer's shell would configure the tenant commands or their colours: none of
 * it may reach the command under test, or a test would pass on one machine and fail on another.
 */
const LEAKY = /^(OS_|DDM_|NO_COLOR$|FORCE_COLOR$|CLICOLOR|XDG_CONFIG_HOME$|TERM$)/;

/** The test process's environment without LEAKY variables, HOME set to `home`, plus `extra`. */
export function isolatedEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !LEAKY.test(name)));
  return { ...env, HOME: home, ...extra };
}

/** A home folder of its own and `ddm-jobs ARGS` run in it (or in `cwd`); never rejects on an exit code. */
export function sandbox(dirs: ReturnType<typeof tempDirs>) {
  const home = dirs.make();
  return {
    home,
    run(
      args: string[],
      options: { env?: Record<string, string>; cwd?: string; input?: string } = {},
    ): Promise<Finished> {
      return runToEnd(process.execPath, [CLI, ...args], {
        cwd: options.cwd ?? home,
        env: isolatedEnv(home, options.env),
        input: options.input ?? '',
      });
    },
    /** Writes `text` to `path` under the home folder (folders made as needed); returns its full path. */
    write(path: string, text: string): string {
      const full = join(home, path);
      mkdirSync(join(full, '..'), { recursive: true });
      writeFileSync(full, text);
      return full;
    },
  };
}

export interface TenantServer {
  url: string;
  dataDir: string;
  projectId: string;
  token: string;
  /** OS_* variables for password sign-in as the admin on project default (endpoint from the catalog). */
  passwordEnv: Record<string, string>;
  /** OS_AUTH_TOKEN, OS_PROJECT_ID and DDM_ENDPOINT for the admin's token. */
  tokenEnv: Record<string, string>;
}

/**
 * `ddm-jobs serve` playing `scenario` (YAML, project default) on the real clock, and the ways to
 * reach it as the admin, who has te_admin on project default.
 */
export async function startTenantServer(
  running: ReturnType<typeof servers>,
  dirs: ReturnType<typeof tempDirs>,
  scenario: string,
): Promise<TenantServer> {
  const dataDir = dirs.make();
  const file = join(dirs.make(), 'scenario.yaml');
  writeFileSync(file, scenario);
  const { url } = await running.start(dataDir, ['--scenario', file]);
  const { token, projectId } = await signInAdmin(url);
  return {
    url,
    dataDir,
    projectId,
    token,
    passwordEnv: {
      OS_AUTH_URL: `${url}/v3`,
      OS_USERNAME: 'admin',
      OS_PASSWORD: ADMIN_PASSWORD,
      OS_USER_DOMAIN_NAME: 'default',
      OS_PROJECT_NAME: 'default',
    },
    tokenEnv: { OS_AUTH_TOKEN: token, OS_PROJECT_ID: projectId, DDM_ENDPOINT: url },
  };
}

/** A new access key of the admin, made with `ddm-jobs iam credentials create` on the server's data folder. */
export async function adminAccessKey(dataDir: string): Promise<{ ak: string; sk: string }> {
  const out = await iam(dataDir, ['credentials', 'create', '--user', 'admin']);
  const match = /access key: ([A-Z0-9]{20})\nsecret key \(shown this once\): ([A-Za-z0-9]{40})/.exec(out);
  if (!match) throw new Error(`no access key in: ${out}`);
  return { ak: match[1] as string, sk: match[2] as string };
}

/** The API's X-Request-Id / request_id: a line of stderr quotes it as `(request id ...)`. */
export const REQUEST_ID = /\(request id [0-9a-f]{32}\)/;
