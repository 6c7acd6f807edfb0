import type { JobFilters } from '@ddm-jobs/client';
import { JOB_STATUSES, type JobItem, type JobStatus, THIRTY_DAYS_MS } from '@ddm-jobs/contract/wire';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { addConnectionOptions, type ConnectionFlags, connectWithClock } from '../../tenant/connection.js';
import { checkFiltered, parseNames, parseText } from '../../tenant/list-filters.js';
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
  status?: JobStatus[];
  name?: string[];
  instance?: string;
  database?: string;
  id?: string;
  output: OutputFormat;
}

/** `--status`: documented statuses, comma-separated, any case; a typo is refused, not matched to nothing. */
export function parseStatuses(value: string): JobStatus[] {
  const byLower = new Map(JOB_STATUSES.map((status) => [status.toLowerCase(), status]));
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
    .addOption(
      new Option('--name <names>', 'only tasks with one of these names, comma-separated (exact)').argParser(
        parseNames,
      ),
    )
    .addOption(
      new Option(
        '--instance <id-or-name>',
        'only tasks of this instance: its id, or a part of its name',
      ).argParser(parseText),
    )
    .addOption(
      new Option(
        '--database <text>',
        'only tasks whose database name contains this text (any case)',
      ).argParser(parseText),
    )
    .addOption(
      new Option('--id <task-id>', 'only the task with this id, if it lies in the window').argParser(
        parseText,
      ),
    )
    .addOption(outputOption());
  addConnectionOptions(command).addHelpText(
    'after',
    `
The filters are sent to the server (ddm-jobs' extensions of the list), which answers only the
matching tasks, 128 at a time; the cloud's DDM filters by time only, and a list it does not
filter is refused (exit 1). --instance and --database examine at most 20,000 tasks of the
window: with more, narrow the window or add --status or --name.
Statuses: ${JOB_STATUSES.slice(0, 5).join(', ')},
  ${JOB_STATUSES.slice(5).join(', ')}.

Examples:
  $ ddm-jobs list
  $ ddm-jobs list --since 6h --status Running,ToBeSwitched
  $ ddm-jobs list --name migrateLogicDb,retryMigrateLogicDb --status failed
  $ ddm-jobs list --instance ddm-orders --database db_orders
  $ ddm-jobs list --start 2026-05-20T00:00:00Z --end 2026-05-21T00:00:00Z --output json
  $ ddm-jobs list --os-cloud otc --output yaml`,
  );
  command.action(async (options: ListOptions) => {
    const { client, serverNow } = await connectWithClock(options);
    const now = await serverNow();
    const { startTime, endTime } = windowOf(options, now);
    const filters: JobFilters = {
      status: options.status,
      name: options.name,
      instance: options.instance,
      database: options.database,
      jobId: options.id,
    };
    const filtered = Object.values(filters).some((value) => value !== undefined);
    const jobs: JobItem[] = [];
    for await (const job of client.jobs({ startTime, endTime, ...filters })) {
      checkFiltered(job, filters);
      jobs.push(job);
    }
    if (options.output !== 'table') return printData(options.output, jobs);
    if (jobs.length === 0) {
      const matching = filtered ? ' matching the filters' : '';
      return print(`No tasks${matching} created between ${iso(startTime)} and ${iso(endTime)}.`);
    }
    for (const line of jobTable(jobs, now, colorEnabled(process.stdout))) print(line);
  });
}
