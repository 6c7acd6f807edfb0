/**
 * What a process, or the whole machine, has used so far, read from /proc (Linux): for the
 * benchmark's and the soak's reports.
 */
import { readFileSync } from 'node:fs';

/**
 * The resident set (VmRSS) and its peak (VmHWM) of a process, in MB.
 *
 * @param {number} pid
 * @returns {{ rssMb: number; peakMb: number }}
 */
export function memoryOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  /** @param {string} field */
  const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

/**
 * CPU seconds (user + system) a process has used so far (clock ticks of 1/100 s).
 *
 * @param {number} pid
 * @returns {number}
 */
export function cpuSecondsOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * CPU seconds the whole machine spent busy so far, every core together.
 *
 * @returns {number}
 */
export function machineBusySeconds() {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / 100;
}
