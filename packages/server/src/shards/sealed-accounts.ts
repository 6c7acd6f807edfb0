import type { DataNodeAccount } from '@ddm-jobs/contract';
import type { CredentialVault } from '../identity/aksk/credential-vault.js';

/**
 * A request's data-node accounts for the worker that carries it out (SECURITY.md, "Data-node
 * passwords"): sealed by the credential vault (AES-256-GCM under the key file kept apart from the
 * database) with the request's id as authenticated data, so a sealed value moved to another
 * request does not open.
 */
const aad = (requestId: string) => `shard-request:${requestId}`;

export function sealAccounts(vault: CredentialVault, requestId: string, accounts: DataNodeAccount[]): Buffer {
  const plain = accounts.map(({ id, user, password }) => ({ id, user, password }));
  return vault.seal(aad(requestId), JSON.stringify(plain));
}

/** The accounts, or undefined when the sealed value does not open (another key, another request). */
export function openAccounts(
  vault: CredentialVault,
  requestId: string,
  sealed: Buffer,
): DataNodeAccount[] | undefined {
  const text = vault.open(aad(requestId), sealed);
  return text === undefined ? undefined : (JSON.parse(text) as DataNodeAccount[]);
}
