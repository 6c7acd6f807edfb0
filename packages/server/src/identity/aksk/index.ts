export { ACCESS_KEY_PATTERN, newAccessKey, newSecretKey, SECRET_KEY_PATTERN } from './access-keys.js';
export { canonicalRequest, type SignedParts, sdkEscape, stringToSign } from './canonical-request.js';
export {
  CREDENTIAL_KEY_FILE,
  type CredentialVault,
  openCredentialVault,
  rotateCredentialKey,
} from './credential-vault.js';
export { LOCKOUT } from './lockout.js';
export { isSigned, MAX_CLOCK_SKEW_MS, parseAuthorization, sign, verifySignature } from './signature.js';
export {
  createSignedRequestVerifier,
  type SignedRequestVerifier,
  type Signer,
} from './signed-request-verifier.js';
