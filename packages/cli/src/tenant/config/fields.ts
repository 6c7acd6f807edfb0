/**
 * Every connection setting once: its flag, the environment variables OpenStack and Open Telekom
 * Cloud tools read for it, and its keys in a clouds.yaml entry. The options, their help and the
 * layered lookup (flag, then environment, then file) all come from this table, so they agree.
 */
export interface ConnectionField {
  /** The key in the parsed options (commander's camelCase of the flag). */
  key: SettingKey;
  flag: string;
  /** Read in this order; the first non-empty one counts. */
  env: readonly string[];
  /** Keys under the entry's `auth:` (or, as openstacksdk accepts, beside it), first found counts. */
  cloud: readonly string[];
  description: string;
}

export type SettingKey =
  | 'osAuthUrl'
  | 'osUsername'
  | 'osPassword'
  | 'osUserDomainName'
  | 'osUserDomainId'
  | 'osProjectId'
  | 'osProjectName'
  | 'osProjectDomainName'
  | 'osProjectDomainId'
  | 'osRegionName'
  | 'osToken'
  | 'osAccessKey'
  | 'osSecretKey'
  | 'endpoint';

export const CONNECTION_FIELDS: readonly ConnectionField[] = [
  {
    key: 'osAuthUrl',
    flag: '--os-auth-url <url>',
    env: ['OS_AUTH_URL'],
    cloud: ['auth_url'],
    description: 'IAM (Keystone v3) URL, for password sign-in',
  },
  {
    key: 'osUsername',
    flag: '--os-username <name>',
    env: ['OS_USERNAME'],
    cloud: ['username'],
    description: 'user name, for password sign-in',
  },
  {
    key: 'osPassword',
    flag: '--os-password <password>',
    env: ['OS_PASSWORD'],
    cloud: ['password'],
    description: "the user's password (prefer OS_PASSWORD: others may see a process's arguments)",
  },
  {
    key: 'osUserDomainName',
    flag: '--os-user-domain-name <name>',
    env: ['OS_USER_DOMAIN_NAME'],
    cloud: ['user_domain_name'],
    description: "the user's domain (on Open Telekom Cloud: OTC00000000001000000xxx)",
  },
  {
    key: 'osUserDomainId',
    flag: '--os-user-domain-id <id>',
    env: ['OS_USER_DOMAIN_ID'],
    cloud: ['user_domain_id'],
    description: "the user's domain by id (default without either: default)",
  },
  {
    key: 'osProjectId',
    flag: '--os-project-id <id>',
    env: ['OS_PROJECT_ID'],
    cloud: ['project_id'],
    description: 'project id (needed with a token or an access key)',
  },
  {
    key: 'osProjectName',
    flag: '--os-project-name <name>',
    env: ['OS_PROJECT_NAME'],
    cloud: ['project_name'],
    description: 'project name, for password sign-in without a project id (e.g. eu-de)',
  },
  {
    key: 'osProjectDomainName',
    flag: '--os-project-domain-name <name>',
    env: ['OS_PROJECT_DOMAIN_NAME'],
    cloud: ['project_domain_name'],
    description: "the project's domain (default: the user's)",
  },
  {
    key: 'osProjectDomainId',
    flag: '--os-project-domain-id <id>',
    env: ['OS_PROJECT_DOMAIN_ID'],
    cloud: ['project_domain_id'],
    description: "the project's domain by id",
  },
  {
    key: 'osRegionName',
    flag: '--os-region-name <region>',
    env: ['OS_REGION_NAME'],
    cloud: ['region_name'],
    description: "region whose DDM endpoint to take from the token's catalog",
  },
  {
    key: 'osToken',
    flag: '--os-token <token>',
    env: ['OS_AUTH_TOKEN', 'OS_TOKEN'],
    cloud: ['token'],
    description: "an IAM token (prefer OS_AUTH_TOKEN: others may see a process's arguments)",
  },
  {
    key: 'osAccessKey',
    flag: '--os-access-key <ak>',
    env: ['OS_ACCESS_KEY'],
    cloud: ['access_key', 'ak'],
    description: 'access key (AK), to sign requests with the secret key',
  },
  {
    key: 'osSecretKey',
    flag: '--os-secret-key <sk>',
    env: ['OS_SECRET_KEY'],
    cloud: ['secret_key', 'sk'],
    description: 'secret key (SK) of the access key (prefer OS_SECRET_KEY)',
  },
  {
    key: 'endpoint',
    flag: '--endpoint <url>',
    env: ['DDM_ENDPOINT'],
    cloud: ['ddm_endpoint_override'],
    description: "DDM service URL (default with password sign-in: the token's catalog)",
  },
];

/** The CLI's own words for where a setting goes, for messages that say what to set. */
export function fieldNames(key: SettingKey): string {
  const field = CONNECTION_FIELDS.find((f) => f.key === key);
  if (field === undefined) return key;
  return `${field.flag.split(' ')[0]} or ${field.env[0]}`;
}
