import {
  ACTION_RULES,
  ActionJobResponseSchema,
  EmptyResponseSchema,
  MIGRATION_ACTIONS,
} from '@ddm-jobs/contract';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { guardCallers } from '../http/route-guard.js';
import type { Authenticator, Principal } from '../identity/authenticate.js';
import type { TenantActions } from '../jobs/actions.js';

/** Fastify's refusal of an empty body sent as JSON. */
const EMPTY_JSON = 'FST_ERR_CTP_EMPTY_JSON_BODY';

type ActionParams = { project_id: string; instance_id: string; db_name: string; job_id: string };

/** The path of an action, e.g. `.../migration/jobs/:job_id/cancel`. */
const actionUrl = (segment: string) =>
  `/v3/:project_id/instances/:instance_id/databases/:db_name/migration/jobs/:job_id/${segment}`;

/**
 * The six tenant actions on shard-migration tasks (docs/api.md, "Endpoints"), token or AK/SK callers
 * alike, for a role among the action roles only (docs/identity.md, "Roles"). Registered as its own
 * plugin, so these hooks guard these routes only.
 */
export function migrationActionsRoutes(
  app: FastifyInstance,
  deps: { actions: TenantActions; auth: Authenticator },
): void {
  const { actions, auth } = deps;
  const bodyless = new Set(MIGRATION_ACTIONS.filter((a) => !ACTION_RULES[a].takesBody).map(actionUrl));
  const principals = new WeakMap<FastifyRequest, Principal>();
  const authenticate = async (request: FastifyRequest) => {
    const { project_id: projectId } = request.params as ActionParams;
    // Only the action roles change tasks; a reader is refused before the body is looked at.
    principals.set(request, await auth.forAction(request, projectId));
  };

  guardCallers(app, authenticate);
  app.addHook('preValidation', async (request) => {
    // An empty body sent as JSON, as SDKs do for actions that take none, is no body at all. The
    // strategy needs one, and keeps the error (DBS.280001).
    const emptyJson = (request.bodyError as { code?: string } | undefined)?.code === EMPTY_JSON;
    if (emptyJson && bodyless.has(request.routeOptions.url ?? '')) delete request.bodyError;
  });

  for (const action of MIGRATION_ACTIONS) {
    const rule = ACTION_RULES[action];
    const response = rule.httpStatus === 202 ? ActionJobResponseSchema : EmptyResponseSchema;
    app.put<{ Params: ActionParams }>(
      actionUrl(action),
      { schema: { response: { [rule.httpStatus]: response } } },
      async (request, reply) => {
        const { project_id, instance_id, db_name, job_id } = request.params;
        const principal = principals.get(request);
        if (!principal) throw new Error('the action ran without an authenticated caller');
        const { jobId } = await actions.perform({
          action,
          projectId: project_id,
          instanceId: instance_id,
          databaseName: db_name,
          jobId: job_id,
          body: request.body,
          actor: principal.userId,
        });
        reply.code(rule.httpStatus);
        return rule.httpStatus === 202 ? { job_id: jobId } : {};
      },
    );
  }
}
