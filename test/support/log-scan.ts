import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALICE_KEY, WORKER_KEY } from '../aksk/fixture.js';
import { ADMIN_PASSWORD } from '../cli/cli-process.js';
import { ADMIN as CONSOLE_ADMIN } from '../console/console-fixture.js';
import { DATA_NODE_PASSWORDS } from './data-nodes.js';
import { PASSWORD } from './harness.js';
import { LOG_DIR_VARIABLE } from './run-logs.js';

// vitest's globalSetup: every test run keeps its servers' logs in a folder of its own
// (run-logs.ts), and its teardown fails the run when a secret the tests use, or anything shaped
// like one, appears in a log line: SECURITY.md's "no secret in logs", checked on every run.

/** The secrets the fixtures sign in with; a log line holding one is a leak. */
export const KNOWN_SECRETS = [
  PASSWORD,
  ADMIN_PASSWORD,
  CONSOLE_ADMIN.password,
  ALICE_KEY.sk,
  WORKER_KEY.sk,
  ...DATA_NODE_PASSWORDS,
];

/** Shapes of secrets whatever their value, with why each is one. */
export const SECRET_PATTERNS: { name: string; pattern: RegExp }[] = [
  // Our tokens: base64url of key id 1 (byte 0x01: `A` then one of Q-f), IV, sealed payload and
  // tag: 200-odd characters.
  { name: 'a ddm-jobs token', pattern: /(?<![\w-])A[Q-Za-f][\w-]{148,}(?![\w-])/ },
  // Fernet-style tokens (Keystone's own, and external IAMs').
  { name: 'a Fernet token', pattern: /gAAAAA[\w-]{40,}/ },
  // A password field with a value, as a request body or a logged object would hold it; not the
  // start-up note's curl example, whose value is a shell variable (`"password":"'"$PASSWORD"'"`).
  {
    name: 'a password field',
    pattern: /"(?:password|new_password|original_password)"\s*:\s*"(?!\[Redacted\]"|'"\$|\$)[^"]+"/i,
  },
  // A secret key field with a value (access-key credentials).
  {
    name: 'a secret key field',
    pattern: /"(?:sk|secret|secret_key|secretKey)"\s*:\s*"(?!\[Redacted\]")[^"]+"/,
  },
  // The credential headers, logged at all.
  {
    name: 'a credential header',
    pattern: /"(?:x-auth-token|x-subject-token|authorization|cookie)"\s*:\s*"(?!\[Redacted\]")/i,
  },
];

export interface Finding {
  file: string;
  line: number;
  what: string;
}

/** The leaks in one log text: every line holding a known secret or a secret's shape. */
export function scanLog(file: string, text: string, secrets: string[] = KNOWN_SECRETS): Finding[] {
  const findings: Finding[] = [];
  text.split('\n').forEach((content, index) => {
    for (const secret of secrets)
      if (content.includes(secret)) findings.push({ file, line: index + 1, what: 'a fixture secret' });
    for (const { name, pattern } of SECRET_PATTERNS)
      if (pattern.test(content)) findings.push({ file, line: index + 1, what: name });
  });
  return findings;
}

/** Scans every file of the run's log folder; counts what it read. */
export function scanLogDir(dir: string): { files: number; lines: number; findings: Finding[] } {
  const names = readdirSync(dir).sort();
  let lines = 0;
  const findings: Finding[] = [];
  for (const name of names) {
    const text = readFileSync(join(dir, name), 'utf8');
    lines += text.split('\n').length - 1;
    findings.push(...scanLog(name, text));
  }
  return { files: names.length, lines, findings };
}

export default function setup(): (() => void) | undefined {
  // Each project of the config runs this too: the first one's folder serves them all.
  if (process.env[LOG_DIR_VARIABLE]) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'ddm-jobs-test-logs-'));
  process.env[LOG_DIR_VARIABLE] = dir;
  return () => {
    delete process.env[LOG_DIR_VARIABLE];
    const { files, lines, findings } = scanLogDir(dir);
    if (findings.length === 0) {
      process.stdout.write(`log-scan: no secret in ${lines} log lines of ${files} files\n`);
      rmSync(dir, { recursive: true, force: true });
      return;
    }
    const list = findings.map((f) => `  ${f.file}:${f.line}: ${f.what}`).join('\n');
    // The folder stays for the reader. vitest reports an error thrown by a teardown but still
    // exits 0, so the exit code is set here.
    process.stderr.write(`log-scan: ${findings.length} secrets in the run's logs (${dir}):\n${list}\n`);
    process.exitCode = 1;
  };
}
