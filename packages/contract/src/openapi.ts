import type { TSchema } from 'typebox';
import { ACTION_RULES, MIGRATION_ACTIONS } from './action-rules.js';
import { EVENTS_LIMIT_DEFAULT, EVENTS_QUERY_RULES } from './events-query.js';
import { FILTER_SCAN_LIMIT, QUERY_RULES } from './list-query.js';
import { faultPaths } from './openapi-faults.js';
import { shardChangePaths } from './openapi-shards.js';
import { snapshotPaths } from './openapi-snapshots.js';
import { statisticsPaths } from './openapi-statistics.js';
import { tenantPaths } from './openapi-tenants.js';
import {
  ActionJobResponseSchema,
  EmptyResponseSchema,
  MigrationPathSchema,
  SwitchStrategyBodySchema,
} from './schemas/actions.js';
import { ClockMoveBodySchema, ClockResponseSchema, ResetResponseSchema } from './schemas/emulator.js';
import { EventsResponseSchema, FeedEventSchema, TenantStreamEventSchema } from './schemas/events.js';
import { JobHistoryResponseSchema } from './schemas/history.js';
import {
  BatchJobsBodySchema,
  BatchJobsResponseSchema,
  CreateJobBodySchema,
  InternalJobResponseSchema,
  PatchJobBodySchema,
} from './schemas/internal.js';
import {
  ErrorBodySchema,
  GatewayErrorBodySchema,
  ListJobsQuerySchema,
  ListJobsResponseSchema,
  ShowJobResponseSchema,
} from './schemas/jobs.js';
import { TokenBodySchema, TokenRequestSchema } from './schemas/keystone.js';
import { MigrateResultsSchema } from './schemas/migration-details.js';
import { PolicyResponseSchema } from './schemas/policy.js';
import { AppendLogsBodySchema, AppendLogsResponseSchema, RunLogsResponseSchema } from './schemas/run-logs.js';
import { ScenarioResponseSchema, ScenarioSchema } from './schemas/scenario.js';
import { ResetBodySchema } from './schemas/tenants.js';

const json = (schema: TSchema, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
const ddmError = (description: string) => json(ErrorBodySchema, description);
const gatewayError = (description: string) => json(GatewayErrorBodySchema, description);

const authErrors = {
  '401': gatewayError('APIGW.0301: no or bad credentials; APIGW.0307: expired or revoked token'),
  '403': gatewayError('APIGW.0302: the credentials are not for this project, or lack the role'),
  '500': ddmError('DBS.300002: server failure'),
};

const pathParam = (name: string, description: string) => ({
  name,
  in: 'path',
  required: true,
  schema: { type: 'string' },
  description,
});

const projectId = pathParam('project_id', "The tenant's project ID");
const jobId = pathParam('job_id', 'Task ID');

function queryParams(): object[] {
  const { properties, required } = ListJobsQuerySchema as unknown as {
    properties: Record<string, TSchema>;
    required: string[];
  };
  const rules: Record<string, string> = {
    offset: QUERY_RULES.offset,
    limit: QUERY_RULES.limit,
    start_time: QUERY_RULES.startTime,
    end_time: QUERY_RULES.endTime,
  };
  return Object.entries(properties).map(([name, schema]) => ({
    name,
    in: 'query',
    required: required.includes(name),
    schema,
    description: rules[name],
  }));
}

/** The list's filters (docs/api.md, "Listing tasks"): ddm-jobs extensions, each marked as one. */
function filterParams(): object[] {
  const filter = (name: string, example: string, description: string) => ({
    name,
    in: 'query',
    required: false,
    schema: { type: 'string', examples: [example] },
    description: `${description} Not in the cloud (a ddm-jobs extension).`,
    'x-ddm-jobs-extension': true,
  });
  const bound = `At most ${FILTER_SCAN_LIMIT.toLocaleString('en-US')} tasks passing the other filters are examined: a window with more is refused (400).`;
  return [
    filter('status', 'Running,Failed', `Only tasks in one of these statuses. ${QUERY_RULES.status}`),
    filter(
      'name',
      'EnlargeNode,migrateLogicDb',
      `Only tasks with one of these names, exactly. ${QUERY_RULES.name}`,
    ),
    filter(
      'instance',
      'ddm-orders',
      `Only tasks whose instance id equals this (ignoring case) or whose instance name contains it (ignoring ASCII case). ${QUERY_RULES.instance} ${bound}`,
    ),
    filter(
      'database',
      'orders',
      `Only tasks whose database name contains this (ignoring ASCII case). ${QUERY_RULES.database} ${bound}`,
    ),
    filter(
      'job_id',
      'b1a8e2c4-5f0e-4c1e-9d3b-2a7f6e9c0d11',
      `Only the task with this id (ignoring case), if it lies in the window and passes the other filters. ${QUERY_RULES.jobId}`,
    ),
  ];
}

/** The tenant's six actions on shard-migration tasks, from the contract's table of actions. */
function migrationActionPaths(): Record<string, object> {
  const { properties: shapes } = MigrationPathSchema as unknown as { properties: Record<string, TSchema> };
  const parameters = [
    projectId,
    { ...pathParam('instance_id', 'DDM instance ID'), schema: shapes.instance_id },
    { ...pathParam('db_name', 'Logical database (schema) name'), schema: shapes.db_name },
    jobId,
  ];
  const anyObject = { type: 'object', description: 'Ignored; none, an empty body or {} is usual' };
  const entries = MIGRATION_ACTIONS.map((action) => {
    const rule = ACTION_RULES[action];
    const body = rule.takesBody ? SwitchStrategyBodySchema : anyObject;
    const success =
      rule.httpStatus === 202
        ? json(ActionJobResponseSchema, 'Accepted: the task moved at once; a producer finishes the work')
        : json(EmptyResponseSchema, 'Done: {}');
    const bodyErrors = rule.takesBody
      ? 'DBS.280001: a malformed body, instance_id or db_name, one time without the other, an unknown field, ' +
        'or an SDK field (project_id, instance_id, task_id, logic_db_name) contradicting the path; ' +
        'DBS.300377: a time not HH:mm:ss, or begin and end not on one day at least 60 minutes apart; '
      : 'DBS.280001: a body that is not a JSON object, or a malformed instance_id or db_name; ';
    const operation = {
      operationId: rule.sdkName,
      summary: rule.summary,
      description:
        `Offered while the task's operations list ${rule.operation}. ` +
        'Needs one of the action roles (GET /policy); any other role is 403 APIGW.0302.',
      parameters,
      requestBody: { required: rule.takesBody, content: { 'application/json': { schema: body } } },
      responses: {
        [String(rule.httpStatus)]: success,
        '400': ddmError(`${bodyErrors}DBS.300379: the task does not offer ${rule.operation} now`),
        '404': ddmError('DBS.300400: no such task in this project, on this instance and database'),
        ...authErrors,
      },
    };
    const path = `/v3/{project_id}/instances/{instance_id}/databases/{db_name}/migration/jobs/{job_id}/${action}`;
    return [path, { put: operation }] as const;
  });
  return Object.fromEntries(entries);
}

/** Run logs (ShowMigrationLog, and the producers' lines) and a shard-configuration task's details (MigrateResults). */
function runLogPaths(): Record<string, object> {
  const paging = [
    {
      name: 'offset',
      in: 'query',
      required: false,
      schema: { type: 'integer', minimum: 0, default: 0 },
      description: QUERY_RULES.offset,
    },
    {
      name: 'limit',
      in: 'query',
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: 128, default: 10 },
      description: QUERY_RULES.limit,
    },
  ];
  return {
    '/v3/{project_id}/instances/{instance_id}/databases/{db_name}/migration/jobs/{job_id}': {
      get: {
        operationId: 'MigrateResults',
        summary: "A shard-configuration task's details",
        description:
          'What producers recorded (0, [], "" and false for what they did not) and the switch window as ' +
          'HH:mm:ss in the server\'s time zone ("" both when manual). Any role on the project may read.',
        parameters: [
          projectId,
          { ...pathParam('instance_id', 'DDM instance ID'), schema: { type: 'string' } },
          { ...pathParam('db_name', 'Logical database (schema) name'), schema: { type: 'string' } },
          jobId,
        ],
        responses: {
          '200': json(MigrateResultsSchema, 'The details'),
          '400': ddmError('DBS.280001: a malformed instance_id or db_name'),
          '404': ddmError(
            'DBS.300400: no shard-migration task of this project, instance and database with this id',
          ),
          ...authErrors,
        },
      },
    },
    '/v3/{project_id}/instance/{instance_id}/task/{task_id}/run-logs': {
      get: {
        operationId: 'ShowMigrationLog',
        summary: "A task's run log, newest first",
        description:
          "The path has the singular instance and task, as the cloud's SDK. Any role on the project may read. " +
          'cur_page is offset / limit + 1 (rounded down), per_page the limit, total every line of the task.',
        parameters: [
          projectId,
          pathParam('instance_id', "The task's DDM instance ID"),
          pathParam('task_id', 'Task ID'),
          ...paging,
        ],
        responses: {
          '200': json(RunLogsResponseSchema, 'A page of lines'),
          '400': ddmError('DBS.280001: offset or limit breaks its rule; the message names it'),
          '404': ddmError('DBS.300400: no such task in this project on this instance'),
          ...authErrors,
        },
      },
    },
    '/internal/v1/jobs/{job_id}/logs': {
      post: {
        operationId: 'AppendRunLogs',
        summary: "Append lines to a task's run log (role service)",
        description:
          "1 to 1,000 lines a request, timed by the server's clock, in the order sent; the feed and the " +
          'tenant stream tell them as one log event. The task itself does not change.',
        'x-ddm-jobs-extension': true,
        parameters: [jobId],
        requestBody: { required: true, content: { 'application/json': { schema: AppendLogsBodySchema } } },
        responses: {
          '201': json(AppendLogsResponseSchema, 'Appended'),
          '400': ddmError('DBS.280001: the body breaks a rule; the message names the line and field'),
          '404': ddmError('DBS.300400'),
          '413': gatewayError('APIGW.0201: a body past 2 MiB'),
          ...authErrors,
        },
      },
    },
  };
}

/** The change feed (internal) and the tenant's stream (our extension): JSON and Server-Sent Events. */
function feedPaths(): Record<string, object> {
  const cursorQuery = (name: string, description: string, schema: object) => ({
    name,
    in: 'query',
    required: false,
    schema,
    description,
  });
  const lastEventId = {
    name: 'Last-Event-ID',
    in: 'header',
    required: false,
    schema: { type: 'string', pattern: '^[0-9]*$' },
    description: `Resume after this cursor (browsers send it on reconnect). ${EVENTS_QUERY_RULES.lastEventId}`,
  };
  const tenantLastEventId = {
    name: 'Last-Event-ID',
    in: 'header',
    required: false,
    schema: { type: 'string' },
    description: `Resume after this event: the id of an event this project's stream sent. ${EVENTS_QUERY_RULES.tenantLastEventId}`,
  };
  const frames = (data: TSchema, what: string, id: string) => ({
    schema: { type: 'string' },
    'x-event-data': data,
    description:
      `Server-Sent Events, one per ${what}: "id: ${id}", "event: <type>", "data: <JSON on one line>", ` +
      'then a blank line; a ": keep-alive" comment every 15 s. The server ends the stream only with a last ' +
      'event without id, "event: end", "data: {"reason": ...}": token_expired, credentials_revoked, ' +
      'access_revoked (checked every 2 s) or server_stopping.',
  });
  return {
    '/internal/v1/events': {
      get: {
        operationId: 'ListJobEvents',
        summary: 'The change feed: every task created, changed or removed after a cursor (role service)',
        description:
          'In commit order. With wait, a request with nothing after the cursor is held until something ' +
          'happens or the wait ends. With Accept: text/event-stream, the feed is followed as ' +
          'Server-Sent Events from after (or Last-Event-ID) on; wait is then ignored.',
        parameters: [
          cursorQuery(
            'after',
            `Cursor to read after; 0 (the beginning) by default. ${EVENTS_QUERY_RULES.after}`,
            {
              type: 'string',
              pattern: '^[0-9]+$',
            },
          ),
          cursorQuery(
            'limit',
            `Most events in one answer, ${EVENTS_LIMIT_DEFAULT} by default. ${EVENTS_QUERY_RULES.limit}`,
            {
              type: 'integer',
              minimum: 1,
              maximum: 1000,
            },
          ),
          cursorQuery(
            'wait',
            `Seconds to hold a request with nothing new, 0 by default. ${EVENTS_QUERY_RULES.wait}`,
            {
              type: 'integer',
              minimum: 0,
              maximum: 60,
            },
          ),
          lastEventId,
        ],
        responses: {
          '200': {
            description: 'Events, and the cursor to send as after next time',
            content: {
              'application/json': { schema: EventsResponseSchema },
              'text/event-stream': frames(FeedEventSchema, 'feed entry', '<cursor>'),
            },
          },
          '400': ddmError('DBS.280001: after, limit, wait or Last-Event-ID breaks its rule'),
          ...authErrors,
        },
      },
    },
    '/v3/{project_id}/jobs/stream': {
      get: {
        operationId: 'FollowTasks',
        summary: "Follow the project's task changes as Server-Sent Events (a ddm-jobs extension)",
        description:
          'Not in the cloud. Each event carries the task as the list shows it (for removed, as it last ' +
          'was; null for an emulator reset). Without Last-Event-ID it tells only what happens after ' +
          'the connection; with it, it resumes after that event. Event ids are opaque, valid on this ' +
          'project only. Credentials are checked at connect and again every 2 s: a stream ends once ' +
          'its credential expires or loses access.',
        'x-ddm-jobs-extension': true,
        parameters: [projectId, tenantLastEventId],
        responses: {
          '200': {
            description: 'The stream',
            content: {
              'text/event-stream': frames(TenantStreamEventSchema, 'change of a task', '<opaque id>'),
            },
          },
          '400': ddmError("DBS.280001: Last-Event-ID is not the id of an event of this project's stream"),
          ...authErrors,
        },
      },
    },
  };
}

/** The OpenAPI 3.1 document of the whole API, generated from the contract's schemas. */
export function buildOpenApiDocument(version: string): object {
  return {
    openapi: '3.1.0',
    info: {
      title: 'ddm-jobs: the DDM task API',
      version,
      description:
        'Tasks of a Distributed Database Middleware control plane, compatible with the DDM V3 task API ' +
        'of Open Telekom Cloud and Huawei Cloud, with a Keystone v3 identity API and an internal producer API.',
    },
    components: {
      securitySchemes: { token: { type: 'apiKey', in: 'header', name: 'X-Auth-Token' } },
    },
    security: [{ token: [] }],
    paths: {
      '/v3/{project_id}/jobs': {
        get: {
          operationId: 'ListTasks',
          summary: 'List tasks created in a time window, newest first',
          description:
            'With the filters (ddm-jobs extensions), the tasks of the window matching every filter given, ' +
            "their total, in the same order and paging; without them, exactly the cloud's answer.",
          parameters: [projectId, ...queryParams(), ...filterParams()],
          responses: {
            '200': json(ListJobsResponseSchema, 'A page of tasks'),
            '400': ddmError(
              'DBS.280001: a query parameter breaks its rule, or the instance and database filters would examine more than 20,000 tasks',
            ),
            ...authErrors,
          },
        },
      },
      '/v3/{project_id}/jobs/{job_id}': {
        get: {
          operationId: 'ShowDdmJobResult',
          summary: 'Show one task',
          parameters: [projectId, jobId],
          responses: {
            '200': json(ShowJobResponseSchema, 'The task'),
            '404': ddmError('DBS.300400: no such task in this project'),
            ...authErrors,
          },
        },
      },
      '/v3/{project_id}/jobs/{job_id}/history': {
        get: {
          operationId: 'ShowTaskHistory',
          summary: "A task's status history, oldest first (a ddm-jobs extension)",
          description:
            'Not in the cloud. One entry per status the task entered, its creation included; progress ' +
            'reports add none. Authorised and answered as the show route; a cleaned task is not found.',
          'x-ddm-jobs-extension': true,
          parameters: [projectId, jobId],
          responses: {
            '200': json(JobHistoryResponseSchema, 'The history'),
            '404': ddmError('DBS.300400: no such task in this project'),
            ...authErrors,
          },
        },
      },
      ...statisticsPaths(),
      ...migrationActionPaths(),
      '/v3/auth/tokens': {
        post: {
          operationId: 'KeystoneCreateToken',
          summary: 'Get a token (Keystone v3 password method)',
          security: [],
          requestBody: { required: true, content: { 'application/json': { schema: TokenRequestSchema } } },
          responses: {
            '201': {
              ...json(TokenBodySchema, 'The token is in the X-Subject-Token header'),
              headers: { 'X-Subject-Token': { schema: { type: 'string' } } },
            },
            '400': { description: 'A malformed request (Keystone error body)' },
            '401': { description: 'Wrong user, password or scope (Keystone error body)' },
          },
        },
        get: {
          operationId: 'KeystoneValidateToken',
          summary: 'Validate the token in X-Subject-Token',
          description:
            "A token may validate its own user's tokens; another user's token needs the role admin or service on the caller's project.",
          parameters: [{ name: 'X-Subject-Token', in: 'header', required: true, schema: { type: 'string' } }],
          responses: {
            '200': json(TokenBodySchema, 'The token is valid'),
            '401': { description: 'The caller is not authenticated (Keystone error body)' },
            '403': {
              description:
                "Another user's token (or one that does not open) and the caller holds neither admin nor service (Keystone error body)",
            },
            '404': { description: 'The subject token is not valid (Keystone error body)' },
          },
        },
      },
      '/internal/v1/jobs': {
        post: {
          operationId: 'RecordJob',
          summary: 'Record a task (role service)',
          requestBody: { required: true, content: { 'application/json': { schema: CreateJobBodySchema } } },
          responses: {
            '201': json(InternalJobResponseSchema, 'Recorded'),
            '200': json(InternalJobResponseSchema, 'The same task was recorded before with the same content'),
            '400': ddmError('DBS.280001: a field breaks its rule; the message names it'),
            '409': ddmError('DDMJOBS.0411: a task with this id exists with other content'),
            ...authErrors,
          },
        },
      },
      '/internal/v1/jobs/batch': {
        post: {
          operationId: 'RecordJobsBatch',
          summary: 'Record tasks and report on tasks, many at once (role service)',
          description:
            'Each item is checked and applied on its own, as the single routes would: a refused item changes ' +
            'nothing and does not stop the others. The accepted ones commit in one transaction with their feed ' +
            'entries. One result per item, in order.',
          requestBody: { required: true, content: { 'application/json': { schema: BatchJobsBodySchema } } },
          responses: {
            '200': json(BatchJobsResponseSchema, 'One result per item'),
            '400': ddmError(
              'DBS.280001: the body is not an object of two lists, or holds more than 1,000 items',
            ),
            '413': gatewayError('APIGW.0201: a body past 1 MiB'),
            ...authErrors,
          },
        },
      },
      '/internal/v1/jobs/{job_id}': {
        get: {
          operationId: 'GetRecordedJob',
          summary: 'Read a task as stored (role service)',
          parameters: [jobId],
          responses: {
            '200': json(InternalJobResponseSchema, 'The task'),
            '404': ddmError('DBS.300400'),
            ...authErrors,
          },
        },
        patch: {
          operationId: 'ReportJob',
          summary: 'Report progress or a new status (role service)',
          parameters: [jobId],
          requestBody: { required: true, content: { 'application/json': { schema: PatchJobBodySchema } } },
          responses: {
            '200': json(InternalJobResponseSchema, 'Updated'),
            '400': ddmError('DBS.280001: a field breaks its rule; the message names it'),
            '404': ddmError('DBS.300400'),
            '409': ddmError(
              'DDMJOBS.0409: the state machine forbids the move; DDMJOBS.0410: stale if_version',
            ),
            ...authErrors,
          },
        },
      },
      '/internal/v1/clock': {
        get: {
          operationId: 'GetClock',
          summary: "The server's clock (role service)",
          responses: {
            '200': json(ClockResponseSchema, 'Now, and whether the clock is virtual'),
            ...authErrors,
          },
        },
        post: {
          operationId: 'MoveClock',
          summary: 'Move the virtual clock: advance_ms forward, or set to an instant (role service)',
          requestBody: { required: true, content: { 'application/json': { schema: ClockMoveBodySchema } } },
          responses: {
            '200': json(ClockResponseSchema, 'Moved; simulated tasks have caught up with the new instant'),
            '400': ddmError('DBS.280001: not exactly one of advance_ms and set, or a bad value'),
            '409': ddmError('DDMJOBS.0412: the server runs on the real clock'),
            ...authErrors,
          },
        },
      },
      '/internal/v1/reset': {
        post: {
          operationId: 'ResetEmulator',
          summary:
            'Emulator only (--emulator): empty the tasks, apply the bootstrap and scenario files again; ' +
            'with {"project_id"}: that project alone',
          requestBody: { required: false, content: { 'application/json': { schema: ResetBodySchema } } },
          responses: {
            '200': json(ResetResponseSchema, 'Reset; the ids of the tasks the scenarios recorded again'),
            '400': ddmError('DBS.280001: project_id names no project, or a bad body'),
            '404': gatewayError('APIGW.0101: the server is not an emulator (start it with --emulator)'),
            ...authErrors,
          },
        },
      },
      '/internal/v1/scenarios': {
        post: {
          operationId: 'ApplyScenario',
          summary: 'Record simulated tasks and their timelines (role service; docs/scenarios.md)',
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: ScenarioSchema },
              'application/yaml': { schema: ScenarioSchema },
              'text/yaml': { schema: ScenarioSchema },
            },
          },
          responses: {
            '201': json(ScenarioResponseSchema, 'Applied; tasks whose id existed are left alone'),
            '400': ddmError(
              'DBS.280001: the scenario breaks a rule; the message names the field; nothing recorded',
            ),
            ...authErrors,
          },
        },
      },
      ...runLogPaths(),
      ...shardChangePaths(),
      ...tenantPaths(),
      ...faultPaths(),
      ...snapshotPaths(),
      ...feedPaths(),
      '/healthz': {
        get: {
          summary: 'Liveness and database check',
          security: [],
          responses: { '200': { description: 'OK' } },
        },
      },
      '/policy': {
        get: {
          summary: 'The roles that may act on tasks (the console shows its action buttons to those only)',
          security: [],
          responses: { '200': json(PolicyResponseSchema, 'The action roles') },
        },
      },
      '/metrics': {
        get: {
          summary: 'Prometheus metrics',
          security: [],
          responses: { '200': { description: 'Metrics' } },
        },
      },
    },
  };
}
