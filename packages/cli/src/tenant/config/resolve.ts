import { UsageError } from '../usage-error.js';
import { type CloudEntry, isMapping, loadCloud, type Surroundings } from './clouds-file.js';
import { CONNECTION_FIELDS, fieldNames, type SettingKey } from './fields.js';

/** The parsed connection options of a tenant command (see `addConnectionOptions`). */
export type ConnectionFlags = Partial<Record<SettingKey | 'osCloud', string>> & { timeout?: number };

/** A setting's value and where it came from, so that a message can say what to fix. */
interface Setting {
  value: string;
  from: string;
}

/** How the CLI will connect: one auth kind, with everything that kind needs. */
export type ConnectionPlan = {
  endpoint?: string;
  projectId?: string;
  regionName?: string;
  timeoutMs?: number;
} & (
  | { kind: 'token'; token: string }
  | { kind: 'aksk'; accessKey: string; secretKey: string }
  | {
      kind: 'password';
      authUrl: string;
      username: string;
      password: string;
      userDomainName?: string;
      userDomainId?: string;
      projectName?: string;
      projectDomainName?: string;
      projectDomainId?: string;
    }
);

function fromCloud(cloud: CloudEntry, keys: readonly string[]): Setting | undefined {
  const auth = isMapping(cloud.config.auth) ? cloud.config.auth : {};
  for (const scope of [auth, cloud.config])
    for (const key of keys) {
      const value = scope[key];
      if (value === undefined || value === null || value === '') continue;
      const where = `${scope === auth ? 'auth.' : ''}${key} of cloud "${cloud.name}" in ${cloud.source}`;
      // YAML reads an all-digit project id as a number; anything else is a mistake in the file.
      if (typeof value !== 'string' && typeof value !== 'number')
        throw new UsageError(`${where} must be a string.`);
      return { value: String(value), from: where };
    }
  return undefined;
}

/** Each setting from the first layer that has it: the flag, then the environment, then the file. */
function layered(flags: ConnectionFlags, env: NodeJS.ProcessEnv, cloud: CloudEntry | undefined) {
  const settings: Partial<Record<SettingKey, Setting>> = {};
  for (const field of CONNECTION_FIELDS) {
    const flag = flags[field.key];
    const variable = field.env.find((name) => env[name]);
    const setting =
      flag !== undefined && flag !== ''
        ? { value: flag, from: field.flag.split(' ')[0] as string }
        : variable !== undefined
          ? { value: env[variable] as string, from: variable }
          : cloud && fromCloud(cloud, field.cloud);
    if (setting) settings[field.key] = setting;
  }
  return settings;
}

function httpUrl(setting: Setting | undefined): string | undefined {
  if (setting === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(setting.value);
  } catch {}
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:'))
    throw new UsageError(`${setting.from} must be an http or https URL, not "${setting.value}".`);
  return setting.value.replace(/\/+$/, '');
}

const NOTHING_SET = `no credentials: set one of
  OS_AUTH_TOKEN (a token), with OS_PROJECT_ID and DDM_ENDPOINT;
  OS_ACCESS_KEY and OS_SECRET_KEY (an access key), with OS_PROJECT_ID and DDM_ENDPOINT;
  OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, and OS_PROJECT_ID or OS_PROJECT_NAME
    (a password; OS_USER_DOMAIN_NAME names the user's domain, on Open Telekom Cloud the account);
or name a cloud of clouds.yaml with --os-cloud or OS_CLOUD. See ddm-jobs list --help.`;

/**
 * The connection the flags, the environment and clouds.yaml (a cloud named by --os-cloud or
 * OS_CLOUD) describe together. Each setting is taken from the first layer that has it; then the
 * auth kind is chosen: a token beats an access key beats a password, so an OS_AUTH_TOKEN in the
 * environment is used even when clouds.yaml holds a password. A usage error names what is missing.
 */
export function resolveConnection(flags: ConnectionFlags, surroundings: Surroundings): ConnectionPlan {
  const cloudName = flags.osCloud || surroundings.env.OS_CLOUD || undefined;
  const cloud = cloudName === undefined ? undefined : loadCloud(cloudName, surroundings);
  const s = layered(flags, surroundings.env, cloud);
  const endpoint = httpUrl(s.endpoint);
  const common = {
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(s.osProjectId ? { projectId: s.osProjectId.value } : {}),
    ...(s.osRegionName ? { regionName: s.osRegionName.value } : {}),
    ...(flags.timeout === undefined ? {} : { timeoutMs: Math.round(flags.timeout * 1000) }),
  };
  const needs = (kind: string, keys: SettingKey[]) => {
    const missing = keys.filter((key) => s[key] === undefined).map(fieldNames);
    if (missing.length)
      throw new UsageError(
        `${kind} needs ${missing.join(', and ')}${cloud ? ` (or its key in cloud "${cloud.name}")` : ''}.`,
      );
  };
  if (s.osToken) {
    needs('a token', ['osProjectId', 'endpoint']);
    return { kind: 'token', token: s.osToken.value, ...common };
  }
  if (s.osAccessKey || s.osSecretKey) {
    needs('an access key', ['osAccessKey', 'osSecretKey', 'osProjectId', 'endpoint']);
    return {
      kind: 'aksk',
      accessKey: s.osAccessKey?.value as string,
      secretKey: s.osSecretKey?.value as string,
      ...common,
    };
  }
  if (s.osAuthUrl || s.osUsername || s.osPassword) {
    needs('password sign-in', ['osAuthUrl', 'osUsername', 'osPassword']);
    if (!s.osProjectId && !s.osProjectName)
      throw new UsageError(
        `password sign-in needs a project: ${fieldNames('osProjectId')}, or ${fieldNames('osProjectName')}.`,
      );
    return {
      kind: 'password',
      authUrl: httpUrl(s.osAuthUrl) as string,
      username: s.osUsername?.value as string,
      password: s.osPassword?.value as string,
      ...(s.osUserDomainName ? { userDomainName: s.osUserDomainName.value } : {}),
      ...(s.osUserDomainId ? { userDomainId: s.osUserDomainId.value } : {}),
      ...(s.osProjectName && !s.osProjectId ? { projectName: s.osProjectName.value } : {}),
      ...(s.osProjectDomainName ? { projectDomainName: s.osProjectDomainName.value } : {}),
      ...(s.osProjectDomainId ? { projectDomainId: s.osProjectDomainId.value } : {}),
      ...common,
    };
  }
  throw new UsageError(
    cloud ? `cloud "${cloud.name}" in ${cloud.source} holds no credentials.\n${NOTHING_SET}` : NOTHING_SET,
  );
}
