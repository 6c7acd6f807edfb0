import type {
  ActionJobResponse,
  AvailableDataNodesResponse,
  JobDetail,
  JobHistoryEntry,
  JobHistoryResponse,
  JobItem,
  JobStatisticsResponse,
  ListJobsResponse,
  MigrateResults,
  MigrationAction,
  PerformResponse,
  PreCheckResponse,
  RunLogItem,
  RunLogsResponse,
  ShowJobResponse,
} from '@ddm-jobs/contract/wire';
import { type ClientSetup, type DdmClientOptions, setUp } from './config.js';
import { isDdmApiError } from './errors.js';
import { type CountFilters, filterPairs, type JobFilters } from './job-filters.js';
import { pageSizeOf, pages } from './paging.js';
import { pathOf } from './request.js';
import { type LoggedTask, logLines, logTarget } from './run-logs.js';
import { type ShardChangeInput, type ShardSchema, shardChangeBody, shardPath } from './shard-changes.js';
import { listedItem, type MigrationTask, migrationTarget, nonEmpty } from './tasks.js';
import { readStream, type StreamedEvent, type StreamJobsOptions } from './tenant-stream.js';
import { checkDailyTime, type DailySwitchWindow, type TimeInput, toEpochMs } from './times.js';
import { type CallOptions, open, send } from './transport.js';
import { type WaitOptions, waitFor } from './wait.js';

export type { DdmClientOptions } from './config.js';
export type { LoggedTask } from './run-logs.js';
export type { MigrationTask } from './tasks.js';

/**
 * The window of `jobs()`: since a time until now, or between two times; with the list's filters
 * (ddm-jobs extensions), if any.
 */
export type JobsRange = ({ since: TimeInput } | { startTime: TimeInput; endTime: TimeInput }) & JobFilters;

const isNotFound = (e: unknown) => isDdmApiError(e) && e.status === 404 && e.errorCode === 'DBS.300400';

/**
 * The client of the DDM task API, for ddm-jobs and for the cloud's DDM alike.
 *
 * @example
 * const client = new DdmClient({ endpoint: 'https://ddm.eu-de.otc.t-systems.com', projectId, auth: token });
 * for await (const job of client.jobs({ since: Date.now() - 86_400_000 })) console.log(job.id, job.status);
 */
export class DdmClient {
  readonly #setup: ClientSetup;

  /**
   * Checks the options at once: a ConfigurationError names what is missing or wrong.
   *
   * @example new DdmClient({ endpoint, projectId, auth: { accessKey: 'AK', secretKey: 'SK' } })
   */
  constructor(options: DdmClientOptions) {
    this.#setup = setUp(options);
  }

  /**
   * The project id in use; with password auth scoped by project name, learnt by signing in.
   *
   * @example const id = await client.projectId()
   */
  projectId(options: CallOptions = {}): Promise<string> {
    return this.#setup.projectId(options.signal);
  }

  /**
   * The DDM endpoint in use: the configured one, or, with password auth and none configured, the
   * public `ddm` endpoint of the token's catalog (signing in to learn it).
   *
   * @example const base = await client.endpoint() // 'https://ddm.eu-de.otc.t-systems.com'
   */
  endpoint(options: CallOptions = {}): Promise<string> {
    return this.#setup.transport.endpoint(options.signal);
  }

  /**
   * One page of the tasks created in `[startTime, endTime]`, newest first, as the API answers.
   * The server checks the rules (limit 1..128, start not older than 30 days). The filters
   * (`status`, `name`, `instance`, `database`, `jobId`: ddm-jobs extensions, docs/api.md) are
   * sent only when given; `total` then counts the matching tasks.
   *
   * @example const { jobs, total } = await client.listJobs({ startTime: Date.now() - 3_600_000, endTime: Date.now(), limit: 50 })
   * @example const failed = await client.listJobs({ startTime, endTime, status: ['Failed'], name: ['migrateLogicDb'] })
   */
  async listJobs(
    query: { startTime: TimeInput; endTime: TimeInput; offset?: number; limit?: number } & JobFilters,
    options: CallOptions = {},
  ): Promise<ListJobsResponse> {
    const pairs: [string, string][] = [
      ['start_time', String(toEpochMs(query.startTime, 'startTime'))],
      ['end_time', String(toEpochMs(query.endTime, 'endTime'))],
    ];
    if (query.offset !== undefined) pairs.push(['offset', String(query.offset)]);
    if (query.limit !== undefined) pairs.push(['limit', String(query.limit)]);
    pairs.push(...filterPairs(query));
    const path = `${await this.#projectPath(options)}/jobs`;
    const answer = await send(
      this.#setup.transport,
      { method: 'GET', path, query: pairs, idempotent: true },
      options,
    );
    return answer.json as ListJobsResponse;
  }

  /**
   * Every task of the window, newest first, page after page (128 a page unless `pageSize`).
   * `since` means until now; the end is fixed at this call so that new tasks do not shift the
   * pages, and a task seen twice is yielded once. The filters of `listJobs` are sent with every
   * page.
   *
   * @example for await (const job of client.jobs({ since: Date.now() - 6 * 3_600_000 })) console.log(job.name)
   * @example for await (const job of client.jobs({ since: Date.now() - 86_400_000, status: ['Failed'] })) console.log(job.id)
   */
  jobs(range: JobsRange, options: CallOptions & { pageSize?: number } = {}): AsyncIterableIterator<JobItem> {
    const { status, name, instance, database, jobId } = range;
    const filters: JobFilters = { status, name, instance, database, jobId };
    // Checked at the call, not at the first page: a mistake is told where it is made.
    filterPairs(filters);
    const window =
      'since' in range
        ? { startTime: toEpochMs(range.since, 'since'), endTime: this.#setup.now() }
        : {
            startTime: toEpochMs(range.startTime, 'startTime'),
            endTime: toEpochMs(range.endTime, 'endTime'),
          };
    const { pageSize, ...callOptions } = options;
    return pages(
      (query) => this.listJobs({ ...query, ...filters }, callOptions),
      window,
      pageSizeOf(pageSize),
    );
  }

  /**
   * Tasks per calendar day of `timeZone` (UTC unless given) created in `[startTime, endTime]`,
   * oldest day first, each with its tasks by their status now: ddm-jobs' extension
   * `GET /v3/{project_id}/job-statistics` (the cloud's DDM answers 404). Each day's `start_time`
   * and `end_time` are a window that lists exactly that day's tasks. Retried like `listJobs`.
   *
   * @example
   * const { days } = await client.jobStatistics({ startTime: Date.now() - 7 * 86_400_000, endTime: Date.now(), timeZone: 'Europe/Berlin' })
   * for (const day of days) console.log(day.date, day.total, day.statuses.Failed ?? 0)
   */
  async jobStatistics(
    query: { startTime: TimeInput; endTime: TimeInput; timeZone?: string } & CountFilters,
    options: CallOptions = {},
  ): Promise<JobStatisticsResponse> {
    const pairs: [string, string][] = [
      ['start_time', String(toEpochMs(query.startTime, 'startTime'))],
      ['end_time', String(toEpochMs(query.endTime, 'endTime'))],
    ];
    if (query.timeZone !== undefined) pairs.push(['time_zone', nonEmpty(query.timeZone, 'timeZone')]);
    pairs.push(...filterPairs({ status: query.status, name: query.name }));
    const path = `${await this.#projectPath(options)}/job-statistics`;
    const answer = await send(
      this.#setup.transport,
      { method: 'GET', path, query: pairs, idempotent: true },
      options,
    );
    return answer.json as JobStatisticsResponse;
  }

  /**
   * One task, as `GET /v3/{project_id}/jobs/{job_id}` shows it (the `job` of the answer).
   *
   * @example const job = await client.getJob('92370d30-3ddc-4e05-b8ab-51662d824318')
   */
  async getJob(jobId: string, options: CallOptions = {}): Promise<JobDetail> {
    const path = `${await this.#projectPath(options)}${pathOf('jobs', nonEmpty(jobId, 'jobId'))}`;
    const answer = await send(this.#setup.transport, { method: 'GET', path, idempotent: true }, options);
    return (answer.json as ShowJobResponse).job;
  }

  /**
   * A task of the last 30 days as the list shows it (with database_name, operations and
   * fail_reason), or undefined when there is none: the task is read, then its creation second
   * listed, so it costs two requests whatever the project holds.
   *
   * @example const job = await client.findJob(id); if (job?.operations.includes('toBeRetried')) ...
   */
  async findJob(jobId: string, options: CallOptions = {}): Promise<JobItem | undefined> {
    let detail: JobDetail;
    try {
      detail = await this.getJob(jobId, options);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
    return listedItem((query) => this.listJobs(query, options), detail);
  }

  /**
   * A task's status changes, oldest first, each with its time and progress: ddm-jobs'
   * extension `GET /v3/{project_id}/jobs/{job_id}/history` (the cloud's DDM answers 404).
   * Retried like `getJob`.
   *
   * @example for (const { time, status } of await client.getJobHistory(id)) console.log(time, status)
   */
  async getJobHistory(jobId: string, options: CallOptions = {}): Promise<JobHistoryEntry[]> {
    const path = `${await this.#projectPath(options)}${pathOf('jobs', nonEmpty(jobId, 'jobId'), 'history')}`;
    const answer = await send(this.#setup.transport, { method: 'GET', path, idempotent: true }, options);
    return (answer.json as JobHistoryResponse).history;
  }

  /**
   * A shard-migration task's details (MigrateResults): shard numbers and data nodes before and
   * after, the migrating node, `is_exclusive`, and the daily switch window (`HH:mm:ss`, `""`
   * both when `switch_route_is_manual`). A task given by id is found first, as for an action.
   * Retried like a read; any task the path does not name is the server's 404 DBS.300400.
   *
   * @example const { after_shard_num, auto_switch_begin_time } = await client.getMigrationDetails(job)
   */
  async getMigrationDetails(task: MigrationTask, options: CallOptions = {}): Promise<MigrateResults> {
    const target = await this.#target(task, options);
    const path =
      (await this.#projectPath(options)) +
      pathOf('instances', target.instanceId, 'databases', target.dbName, 'migration', 'jobs', target.jobId);
    return (await send(this.#setup.transport, { method: 'GET', path, idempotent: true }, options))
      .json as MigrateResults;
  }

  /**
   * One page of a task's run log (ShowMigrationLog), newest first, as the API answers: `offset`
   * 0 and `limit` 10 unless given (the server checks them as the list's). A task given by id is
   * read first for its instance. Retried like a read.
   *
   * @example const { task_logs, total } = await client.listRunLogs(jobId, { limit: 50 })
   */
  async listRunLogs(
    task: LoggedTask,
    query: { offset?: number; limit?: number } = {},
    options: CallOptions = {},
  ): Promise<RunLogsResponse> {
    const target = await logTarget(task, async (id) => (await this.getJob(id, options)).instance.id);
    return this.#runLogPage(target, query, options);
  }

  /**
   * Every line of a task's run log as it is at this call, newest first, page after page (128 a
   * page unless `pageSize`); a line appended meanwhile is not yielded (the tenant stream's `log`
   * events tell those), and none is yielded twice.
   *
   * @example for await (const line of client.runLogs(jobId)) console.log(line.created_time, line.level, line.message)
   */
  runLogs(
    task: LoggedTask,
    options: CallOptions & { pageSize?: number } = {},
  ): AsyncIterableIterator<RunLogItem> {
    const { pageSize, ...callOptions } = options;
    const size = pageSizeOf(pageSize);
    const lines = async function* (this: DdmClient) {
      const target = await logTarget(task, async (id) => (await this.getJob(id, callOptions)).instance.id);
      yield* logLines((query) => this.#runLogPage(target, query, callOptions), size);
    };
    return lines.call(this);
  }

  /**
   * The project's task changes as they happen, each task as the list shows it: ddm-jobs'
   * extension `GET /v3/{project_id}/jobs/stream`, Server-Sent Events (the cloud's DDM answers
   * 404). One connection, opened on the first `next()` (its opening retried like a read): it
   * ends when the server ends it; reconnecting is the caller's, with the last `id` (opaque) as
   * `lastEventId` so that nothing is missed or repeated. When the server ended it because the
   * credential lost access (expired, revoked), it rejects with a StreamEndedError instead: do
   * not reconnect with the same credential. Aborting rejects with the signal's reason; leaving
   * the loop closes the connection.
   *
   * @example
   * for await (const { id, event } of client.streamJobs({ lastEventId, signal })) {
   *   lastEventId = id;
   *   console.log(event.type, event.job?.id, event.job?.status);
   * }
   */
  streamJobs(options: StreamJobsOptions = {}): AsyncIterableIterator<StreamedEvent> {
    const { lastEventId } = options;
    if (lastEventId !== undefined && (typeof lastEventId !== 'string' || /[\0\r\n]/.test(lastEventId)))
      throw new TypeError('lastEventId must be the id of an event the stream yielded');
    const headers: Record<string, string> = { Accept: 'text/event-stream' };
    if (lastEventId) headers['Last-Event-ID'] = lastEventId;
    const connect = async () => {
      const path = `${await this.#projectPath(options)}/jobs/stream`;
      return open(this.#setup.transport, { method: 'GET', path, headers, idempotent: true }, options);
    };
    return readStream(connect, options);
  }

  /**
   * Cancels a shard-migration task (Running, Failed or ToBeSwitched). Never retried.
   *
   * @example const { jobId } = await client.cancelMigration(job)
   */
  async cancelMigration(task: MigrationTask, options: CallOptions = {}): Promise<{ jobId: string }> {
    return this.#jobAction('cancel', task, options);
  }

  /**
   * Retries a failed shard-migration task; answers the id of the NEW retryMigrateLogicDb task.
   *
   * @example const { jobId: newTask } = await client.retryMigration(failed)
   */
  async retryMigration(task: MigrationTask, options: CallOptions = {}): Promise<{ jobId: string }> {
    return this.#jobAction('retry', task, options);
  }

  /**
   * Rolls a failed shard-migration task back. Never retried.
   *
   * @example await client.rollbackMigration(failed)
   */
  async rollbackMigration(task: MigrationTask, options: CallOptions = {}): Promise<{ jobId: string }> {
    return this.#jobAction('rollback', task, options);
  }

  /**
   * Cleans up a cancelled or rolled-back shard-migration task: it leaves the listings.
   *
   * @example await client.cleanMigration(cancelled)
   */
  async cleanMigration(task: MigrationTask, options: CallOptions = {}): Promise<{ jobId: string }> {
    return this.#jobAction('clean', task, options);
  }

  /**
   * Switches routes now (a ToBeSwitched task whose strategy is manual). Never retried.
   *
   * @example await client.switchRoute(job)
   */
  async switchRoute(task: MigrationTask, options: CallOptions = {}): Promise<void> {
    await this.#act('route-switch', task, undefined, false, options);
  }

  /**
   * Sets the daily switch window of a ToBeSwitched task (`HH:mm:ss`, in the server's time zone:
   * the routes switch in the window's next occurrence), or `'manual'` for switching by hand. A
   * time not `HH:mm:ss` is a TypeError before anything is sent. It sets a value, so it is
   * retried like a read.
   *
   * @example await client.changeSwitchStrategy(job, { begin: '17:00:00', end: '18:00:00' })
   */
  async changeSwitchStrategy(
    task: MigrationTask,
    window: DailySwitchWindow | 'manual',
    options: CallOptions = {},
  ): Promise<void> {
    const body =
      window === 'manual'
        ? { switch_route_begin_time: '', switch_route_end_time: '' }
        : {
            switch_route_begin_time: checkDailyTime(window.begin, 'begin'),
            switch_route_end_time: checkDailyTime(window.end, 'end'),
          };
    await this.#act('route-switch-strategy', task, body, true, options);
  }

  /**
   * Polls `getJob` every `intervalMs` (2 s) until the status is in `until` (by default the
   * finished statuses); a TimeoutError after `timeoutMs`, the signal's reason on abort.
   *
   * @example const done = await client.waitForJob(jobId, { timeoutMs: 30 * 60_000 })
   */
  async waitForJob(jobId: string, options: WaitOptions = {}): Promise<JobDetail> {
    nonEmpty(jobId, 'jobId');
    return waitFor((callOptions) => this.getJob(jobId, callOptions), jobId, options);
  }

  /**
   * The data nodes a schema's shards may move to (ListAvailableRdsForMigrate), one page:
   * `offset` 0 and `limit` 10 unless given (1 to 128).
   *
   * @example const { data_nodes } = await client.listAvailableDataNodes({ instanceId, dbName: 'db_orders' }, { limit: 50 })
   */
  async listAvailableDataNodes(
    schema: ShardSchema,
    query: { offset?: number; limit?: number } = {},
    options: CallOptions = {},
  ): Promise<AvailableDataNodesResponse> {
    const pairs: [string, string][] = [];
    if (query.offset !== undefined) pairs.push(['offset', String(query.offset)]);
    if (query.limit !== undefined) pairs.push(['limit', String(query.limit)]);
    const path = shardPath(await this.#projectPath(options), schema, 'available-data-nodes');
    const call = { method: 'GET' as const, path, query: pairs, idempotent: true };
    return (await send(this.#setup.transport, call, options)).json as AvailableDataNodesResponse;
  }

  /**
   * Pre-checks a shard change (CheckMigrateLogicDb): the id to read its later items with, and
   * the items answered at once. Not retried (each call is a new pre-check).
   *
   * @example const { job_id } = await client.precheckShardChange(schema, { newShardNumber: 9, dataNodes: [{ id, user, password }] })
   */
  async precheckShardChange(
    schema: ShardSchema,
    input: ShardChangeInput,
    options: CallOptions = {},
  ): Promise<PreCheckResponse> {
    const path = shardPath(await this.#projectPath(options), schema, 'precheck');
    const call = { method: 'POST' as const, path, body: shardChangeBody(input), idempotent: false };
    return (await send(this.#setup.transport, call, options)).json as PreCheckResponse;
  }

  /**
   * A pre-check's later items (CheckPreliminaryResults); none while they are not answered yet.
   *
   * @example const { pre_check_results } = await client.getPrecheckResult(schema, precheckId)
   */
  async getPrecheckResult(
    schema: ShardSchema,
    precheckId: string,
    options: CallOptions = {},
  ): Promise<PreCheckResponse> {
    const path = shardPath(
      await this.#projectPath(options),
      schema,
      'precheck',
      nonEmpty(precheckId, 'precheckId'),
    );
    const call = { method: 'GET' as const, path, idempotent: true };
    return (await send(this.#setup.transport, call, options)).json as PreCheckResponse;
  }

  /**
   * Starts the shard change a passed pre-check checked (MigrateLogicDb): the new migrateLogicDb
   * task, listed at once. Not retried (a second call would start a second change).
   *
   * @example const { jobId } = await client.startShardChange(schema, { newShardNumber: 9, dataNodes, switchWindow: { begin: '02:00:00', end: '04:00:00' } })
   */
  async startShardChange(
    schema: ShardSchema,
    input: ShardChangeInput,
    options: CallOptions = {},
  ): Promise<{ jobId: string }> {
    const path = shardPath(await this.#projectPath(options), schema, 'migration');
    const call = { method: 'POST' as const, path, body: shardChangeBody(input), idempotent: false };
    const answer = (await send(this.#setup.transport, call, options)).json as PerformResponse;
    return { jobId: answer.job_id };
  }

  async #projectPath(options: CallOptions): Promise<string> {
    return pathOf('v3', await this.projectId(options));
  }

  async #target(task: MigrationTask, options: CallOptions) {
    // The server's own 404 (with its request id) when a task given by id does not exist.
    return migrationTarget(task, async (id) =>
      listedItem((query) => this.listJobs(query, options), await this.getJob(id, options)),
    );
  }

  async #runLogPage(
    target: { jobId: string; instanceId: string },
    query: { offset?: number; limit?: number },
    options: CallOptions,
  ): Promise<RunLogsResponse> {
    const pairs: [string, string][] = [];
    if (query.offset !== undefined) pairs.push(['offset', String(query.offset)]);
    if (query.limit !== undefined) pairs.push(['limit', String(query.limit)]);
    const path =
      (await this.#projectPath(options)) +
      pathOf('instance', target.instanceId, 'task', target.jobId, 'run-logs');
    const call = { method: 'GET' as const, path, query: pairs, idempotent: true };
    return (await send(this.#setup.transport, call, options)).json as RunLogsResponse;
  }

  async #jobAction(
    action: 'cancel' | 'retry' | 'rollback' | 'clean',
    task: MigrationTask,
    options: CallOptions,
  ): Promise<{ jobId: string }> {
    const answer = (await this.#act(action, task, undefined, false, options)) as ActionJobResponse;
    return { jobId: answer.job_id };
  }

  async #act(
    action: MigrationAction,
    task: MigrationTask,
    body: unknown,
    idempotent: boolean,
    options: CallOptions,
  ): Promise<unknown> {
    const target = await this.#target(task, options);
    const path =
      (await this.#projectPath(options)) +
      pathOf(
        'instances',
        target.instanceId,
        'databases',
        target.dbName,
        'migration',
        'jobs',
        target.jobId,
        action,
      );
    const call = { method: 'PUT' as const, path, idempotent, ...(body === undefined ? {} : { body }) };
    return (await send(this.#setup.transport, call, options)).json;
  }
}
