import type { ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '@ddm-jobs/server';
import type { Logger } from 'pino';

// Every log line of a test run lands in one folder, which the run's teardown scans for secrets
// (log-scan.ts, SECURITY.md): the in-process servers of the harness log there through the
// server's own logger (its redaction included), and the `ddm-jobs serve` processes the tests start
// have their output copied there. The globalSetup names the folder in this variable; without it
// (a script importing the harness) nothing is written.

export const LOG_DIR_VARIABLE = 'DDM_JOBS_TEST_LOG_DIR';

/** The run's log folder, when a test run set one. */
export const runLogDir = (): string | undefined => process.env[LOG_DIR_VARIABLE] || undefined;

/** `--log-level` of the serve processes tests start: info when their logs are kept for the scan. */
export const serveLogLevel = (): 'info' | 'warn' => (runLogDir() ? 'info' : 'warn');

let harnessLog: Logger | undefined;

/**
 * The logger of the harness's in-process servers: the server's logger at info level, writing to
 * one file per worker process (synchronously: a worker ending never loses lines it was given).
 */
export function harnessLogger(): Logger | undefined {
  const dir = runLogDir();
  if (!dir) return undefined;
  if (!harnessLog) {
    mkdirSync(dir, { recursive: true });
    const fd = openSync(join(dir, `harness-${process.pid}.log`), 'a');
    process.once('exit', () => closeSync(fd));
    harnessLog = createLogger('info', { write: (line: string) => writeSync(fd, line) });
  }
  return harnessLog;
}

/** Copies everything a started process prints (stdout and stderr) to a file of the run's logs. */
export function keepProcessLog(child: ChildProcess, name: string): void {
  const dir = runLogDir();
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  const fd = openSync(join(dir, `${name}-${child.pid ?? 'unstarted'}.log`), 'a');
  const copy = (chunk: Buffer) => writeSync(fd, chunk);
  child.stdout?.on('data', copy);
  child.stderr?.on('data', copy);
  child.once('close', () => closeSync(fd));
}
