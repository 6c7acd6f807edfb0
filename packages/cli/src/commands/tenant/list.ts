import { JOB_STATUSES, type JobItem, THIRTY_DAYS_MS } from '@ddm-jobs/contract/wire';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { addConnectionOptions, type ConnectionFlags, connectWithClock } from '../../tenant/connection.js';
import { colorEnabled } from '../../tenant/output/colors.js';
import { type OutputFormat, outputOption, print, printData } from '../../tenant/output/format.js';
import { jobTable } from '../../tenant/output/job-view.js';
import { parseIsoInstant, parseSince } from '../../tenant/time-input.js';
import { UsageError } from '../../tenant/usage-error.js';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
/** The cloud console's default window. */
const DEFAULT_SPAN = 7 * DAY;

interface ListOptions extends ConnectionFlags {
  since?: number;
  start?: number;
  end?: number;
  status?: string[];
  name?: string;
  output: OutputFormat;
}

/** `--status`: documented statuses, comma-separated, any case; a typo is refused, not matched to nothing. */
export function parseStatuses(value: string): string[] {
  const byLower = new Map(JOB_STATUSES.map((status) => [status.toLowerCase(), status as string]));
  return value.split(',').map((part) => {
    const status = byLower.get(part.trim().toLowerCase());
    if (status === undefined)
      throw new InvalidArgumentError(
        `"${part.trim()}" is not a status; statuses: ${JOB_STATUSES.join(', ')}.`,
      );
    return status;
  });
}

/**
 * The window asked for, checked here so that a mistake is a usage error, not the API's 400.
 * `now` is the server's (a virtual clock's), which is what its 30 days are counted from.
 */
export function windowOf(options: Pick<ListOptions, 'since' | 'start' | 'end'>, now: number) {
  if (options.start === undefined) {
    if (options.end !== undefined) throw new UsageError('--end needs --start (or use --since).');
    return { startTime: now - (options.since ?? DEFAULT_SPAN), endTime: now };
  }
  const endTime = options.end ?? now;
  if (options.start > endTime) throw new UsageError('--start must not be after --end.');
  if (options.start < now - THIRTY_DAYS_MS)
    throw new UsageError(
      `--start must lie within the last 30 days of the server's clock (now ${iso(now)}): the API keeps tasks for 30 days.`,
    );
  return { startTime: options.start, endTime };
}

/**
 * `ddm-jobs list`: the tasks of a window, newest first, as a table for people or as the API's
 * task objects (one array over every page) for scripts.
 */
export function listCommand(program: Command): void {
  const command = program
    .command('list')
    .description('list the tasks created in a time window (default: the last 7 days), newest first')
    .addOption(
      new Option('--since <duration>', 'the window is this last span: s, m, h or d, up to 30d (default: 7d)')
        .argParser(parseSince)
        .conflicts(['start', 'end']),
    )
    .addOption(
      new Option('--start <time>', 'window start, ISO 8601 with a zone, within the last 30 days').argParser(
        parseIsoInstant,
      ),
    )
    .addOption(
      new Option('--end <time>', 'window end, ISO 8601 with a zone (default: now)').argParser(
        parseIsoInstant,
      ),
    )
    .addOption(
      new Option('--status <statuses>', 'only tasks in these statuses, comma-separated (any case)').argParser(
        parseStatuses,
      ),
    )
    .addOption(new Option('--name <text>', 'only tasks whose name contains this text (any case)'))
    .addOption(outputOption());
  addConnectionOptions(command).addHelpText(
    'after',
    `
The API filters by time only: --status and --name are applied here, over every page of the
window (all of its tasks are fetched, 128 at a time).
Statuses: ${JOB_STATUSES.slice(0, 5).join(', ')},
  ${JOB_STATUSES.slice(5).join(', ')}.

Examples:
  $ ddm-jobs list
  $ ddm-jobs list --since 6h --status Running,ToBeSwitched
  $ ddm-jobs list --name migrate --status failed
  $ ddm-jobs list --start 2026-05-20T00:00:00Z --end 2026-05-21T00:00:00Z --output json
  $ ddm-jobs list --os-cloud otc --output yaml`,
  );
  command.action(async (options: ListOptions) => {
    const { client, serverNow } = await connectWithClock(options);
    const now = await serverNow();
    const { startTime, endTime } = windowOf(options, now);
    const statuses = options.status === undefined ? undefined : new Set(options.status);
    const name = options.name?.toLowerCase();
    const jobs: JobItem[] = [];
    for await (const job of client.jobs({ startTime, endTime })) {
      if (statuses && !statuses.has(job.status)) continue;
      if (name !== undefined && !job.name.toLowerCase().includes(name)) continue;
      jobs.push(job);
    }
    if (options.output !== 'table') return printData(options.output, jobs);
    if (jobs.length === 0) {
      const filtered = statuses || name !== undefined ? ' matching the filters' : '';
      return print(`No tasks${filtered} created between ${iso(startTime)} and ${iso(endTime)}.`);
    }
    for (const line of jobTable(jobs, now, colorEnabled(process.stdout))) print(line);
  });
}
