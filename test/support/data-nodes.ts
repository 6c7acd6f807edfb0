/**
 * The data-node passwords the shard-change tests send and declare: no stored row, log line or
 * answer may hold one (test/support/log-scan.ts scans the run's logs for them).
 */
export const DN_PASSWORD = 'dn-Secret-7f3a9 horse';
export const DN_DECLARED_PASSWORD = 'declared-DN-pw 41c2e8';
export const DATA_NODE_PASSWORDS = [DN_PASSWORD, DN_DECLARED_PASSWORD];
