import type { TSchema } from 'typebox';
import { QUERY_RULES } from './list-query.js';
import { CreateJobBodySchema, InternalJobResponseSchema, PatchJobBodySchema } from './schemas/internal.js';
import {
  ErrorBodySchema,
  GatewayErrorBodySchema,
  ListJobsQuerySchema,
  ListJobsResponseSchema,
  ShowJobResponseSchema,
} from './schemas/jobs.js';
import { TokenBodySchema, TokenRequestSchema } from './schemas/keystone.js';

const json = (schema: TSchema, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
const ddmError = (description: string) => json(ErrorBodySchema, description);
const gatewayError = (description: string) => json(GatewayErrorBodySchema, description);

const authErrors = {
  '401': gatewayError('APIGW.0301: no or bad credentials; APIGW.0307: expired or revoked token'),
  '403': gatewayError('APIGW.0302: the credentials are not for this project'),
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
          parameters: [projectId, ...queryParams()],
          responses: {
            '200': json(ListJobsResponseSchema, 'A page of tasks'),
            '400': ddmError('DBS.280001: a query parameter breaks its rule'),
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
          parameters: [{ name: 'X-Subject-Token', in: 'header', required: true, schema: { type: 'string' } }],
          responses: {
            '200': json(TokenBodySchema, 'The token is valid'),
            '401': { description: 'The caller is not authenticated (Keystone error body)' },
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
      '/healthz': {
        get: {
          summary: 'Liveness and database check',
          security: [],
          responses: { '200': { description: 'OK' } },
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
