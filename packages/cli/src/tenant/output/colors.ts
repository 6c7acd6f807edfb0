import { EXECUTING_STATUSES, type JobStatus } from '@ddm-jobs/contract/wire';

/**
 * Whether to colour what goes to `stream`: people at a terminal get colour, pipes and files get
 * plain text, and the NO_COLOR (https://no-color.org) and FORCE_COLOR conventions are honoured.
 * FORCE_COLOR wins over both (`0` or `false` forces colour off), so tests and `| less -R` can
 * ask for it; an empty NO_COLOR counts as unset, as the convention says.
 */
export function colorEnabled(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  if (env.NO_COLOR) return false;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

const GREEN = 32;
const RED = 31;
const YELLOW = 33;
const GREY = 90;

/** Statuses that ended the way the tenant wanted; Failed is the only bad ending. */
const ENDED_WELL: ReadonlySet<string> = new Set(['Completed', 'CancelSuccess', 'RollbackSuccess']);

/** One colour per family, so a long table is read at a glance: done, failed, moving, waiting. */
function colorOf(status: string): number {
  if (ENDED_WELL.has(status)) return GREEN;
  if (status === 'Failed') return RED;
  if (EXECUTING_STATUSES.has(status as JobStatus)) return YELLOW;
  return GREY;
}

/**
 * The status in its family's colour, or as is when colour is off. Only the foreground is reset
 * (SGR 39), so a caller's bold or background around it survives; pad before painting, since the
 * escape codes have no width on screen.
 */
export function paintStatus(status: string, enabled: boolean): string {
  return enabled ? `\u001b[${colorOf(status)}m${status}\u001b[39m` : status;
}
