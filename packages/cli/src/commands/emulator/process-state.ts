import { readFileSync } from 'node:fs';

/** What Linux says of a process: undefined where /proc is not there (other systems). */
function proc(pid: number, file: 'stat' | 'cmdline'): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Whether process `pid` is still the emulator that was recorded: alive, not a zombie waiting for
 * its parent to collect it (a detached server's parent may be an init that never does), and,
 * where /proc tells, still running with its data folder on its command line (a pid is reused once
 * its process has gone).
 */
export function isRunning(pid: number, dataDir: string): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    // ESRCH: gone; EPERM: a process of another user has that pid now, not ours.
    return false;
  }
  const stat = proc(pid, 'stat');
  if (stat !== undefined && /^\d+ \(.*\) Z/s.test(stat)) return false;
  const cmdline = proc(pid, 'cmdline');
  return cmdline === undefined || cmdline.split('\0').includes(dataDir);
}
