export { EmulatorClock, type Instant } from './clock.js';
export { credentialKey } from './credential-key.js';
export { EmulatorError } from './errors.js';
export type { Fault, FaultRule } from './faults.js';
export {
  type Bootstrap,
  deriveIdentities,
  type EmulatorIdentities,
  mergeBootstrap,
  type ServiceUser,
  type Tenant,
} from './identities.js';
export type { Answer, ServiceApi } from './service-api.js';
export { type Emulator, type EmulatorOptions, startEmulator } from './start-emulator.js';
