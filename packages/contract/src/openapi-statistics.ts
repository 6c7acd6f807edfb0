import type { TSchema } from 'typebox';
import { QUERY_RULES } from './list-query.js';
import { JobStatisticsResponseSchema } from './schemas/job-statistics.js';
import { ErrorBodySchema, GatewayErrorBodySchema } from './schemas/jobs.js';
import { STATISTICS_QUERY_RULES, STATISTICS_TIME_ZONE_DEFAULT } from './statistics-query.js';

const json = (schema: TSchema, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
const query = (name: string, required: boolean, schema: object, description: string) => ({
  name,
  in: 'query',
  required,
  schema,
  description,
});

/** Tasks per day (docs/api.md, "Tasks per day"): our extension, for the console's chart. */
export function statisticsPaths(): Record<string, object> {
  return {
    '/v3/{project_id}/job-statistics': {
      get: {
        operationId: 'CountTasksPerDay',
        summary: 'Tasks created per calendar day of a time zone, by their status now (a ddm-jobs extension)',
        description:
          'Not in the cloud. One entry per day of the zone that the window touches, oldest first, each clipped ' +
          "to the window: its start_time and end_time, used as the list's window, list exactly that day's " +
          'tasks. Days without tasks are present with total 0. Counted from kept counts, never by reading ' +
          'tasks: the answer costs the same in a project of any size. Authorised as the list.',
        'x-ddm-jobs-extension': true,
        parameters: [
          {
            name: 'project_id',
            in: 'path',
            required: true,
            schema: { type: 'string' },
            description: "The tenant's project ID",
          },
          query('start_time', true, { type: 'integer' }, QUERY_RULES.startTime),
          query(
            'end_time',
            true,
            { type: 'integer' },
            `${QUERY_RULES.endTime} ${STATISTICS_QUERY_RULES.span}`,
          ),
          query(
            'time_zone',
            false,
            { type: 'string', default: STATISTICS_TIME_ZONE_DEFAULT, examples: ['Europe/Berlin'] },
            `The zone whose midnights divide the days. ${STATISTICS_QUERY_RULES.timeZone}`,
          ),
          query(
            'status',
            false,
            { type: 'string', examples: ['Running,Failed'] },
            `Only tasks in these statuses. ${QUERY_RULES.status}`,
          ),
          query(
            'name',
            false,
            { type: 'string', examples: ['EnlargeNode,migrateLogicDb'] },
            `Only tasks with these names, exactly. ${QUERY_RULES.name}`,
          ),
        ],
        responses: {
          '200': json(JobStatisticsResponseSchema, 'The days'),
          '400': json(
            ErrorBodySchema,
            'DBS.280001: a query parameter breaks its rule, or instance, database or job_id is given; the message names it',
          ),
          '401': json(
            GatewayErrorBodySchema,
            'APIGW.0301: no or bad credentials; APIGW.0307: expired or revoked token',
          ),
          '403': json(
            GatewayErrorBodySchema,
            'APIGW.0302: the credentials are not for this project, or lack the role',
          ),
          '500': json(ErrorBodySchema, 'DBS.300002: server failure'),
        },
      },
    },
  };
}
