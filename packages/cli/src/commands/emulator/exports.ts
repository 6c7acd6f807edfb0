import type { EmulatorIdentities } from '@ddm-jobs/testing';

/** A value in single quotes, as POSIX shells read it back unchanged, whatever it holds. */
export const shellQuote = (value: string): string => `'${value.replaceAll("'", `'\\''`)}'`;

/**
 * The variables a test in any language needs (docs/testing.md): OpenStack's `OS_*` for the
 * default tenant (a password and an access key: ddm-jobs' CLI and the SDKs take the key, the
 * `openstack` command the password), `DDM_ENDPOINT`, and the service user's sign-in, for the
 * clock, resets, faults and snapshots.
 */
export function exportLines(url: string, name: string, identities: EmulatorIdentities): string {
  const { tenant, service } = identities;
  const variables: [string, string][] = [
    ['DDM_ENDPOINT', url],
    ['OS_AUTH_URL', `${url}/v3`],
    ['OS_IDENTITY_API_VERSION', '3'],
    ['OS_USERNAME', tenant.username],
    ['OS_PASSWORD', tenant.password],
    ['OS_USER_DOMAIN_NAME', tenant.domainName],
    ['OS_PROJECT_ID', tenant.projectId],
    ['OS_PROJECT_NAME', tenant.projectName],
    ['OS_PROJECT_DOMAIN_NAME', tenant.domainName],
    ['OS_ACCESS_KEY', tenant.accessKey],
    ['OS_SECRET_KEY', tenant.secretKey],
    ['DDM_EMULATOR_NAME', name],
    ['DDM_EMULATOR_SERVICE_USERNAME', service.username],
    ['DDM_EMULATOR_SERVICE_PASSWORD', service.password],
  ];
  return variables.map(([variable, value]) => `export ${variable}=${shellQuote(value)}\n`).join('');
}
