import type { LockoutPolicy } from '../../store/records.js';

/** More than 5 failed signatures for one access key within 5 minutes lock it for 5 minutes. */
export const LOCKOUT: LockoutPolicy = { windowMs: 5 * 60_000, maxFailures: 5, lockMs: 5 * 60_000 };
