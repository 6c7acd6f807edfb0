import {
  EVENTS_QUERY_RULES,
  jobItemOf,
  type TenantStreamEvent,
  type TimeFormatter,
} from '@ddm-jobs/contract';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors/api-error.js';
import { type StreamPage, streamFeed } from '../http/sse.js';
import type { Authenticator } from '../identity/authenticate.js';
import type { StandingChecks } from '../identity/standing.js';
import type { FeedWatcher } from '../jobs/feed-watcher.js';
import { runLogItemOf } from '../jobs/run-logs.js';
import type { TenantEventIds } from '../jobs/tenant-event-ids.js';
import type { JobStore } from '../store/interfaces.js';
import type { StreamSlots } from '../throttling/stream-slots.js';

export interface TenantStreamDeps {
  jobs: Pick<JobStore, 'eventsAfter' | 'lastEventCursor'>;
  auth: Authenticator;
  /** Asked again while a stream is open: a credential revoked or expired ends it. */
  standing: StandingChecks;
  /** How often `standing` is asked. */
  standingCheckMs: number;
  /** The events' ids: feed cursors sealed for the project, which tell nothing of other projects. */
  eventIds: TenantEventIds;
  watcher: FeedWatcher;
  formatTime: TimeFormatter;
  keepAliveMs: number;
  /** Caps the streams open per user (429 APIGW.0308 beyond). */
  streamSlots: StreamSlots;
}

/** Entries read at once for one stream; a busier project is read in several pages. */
const PAGE = 100;

/**
 * `GET /v3/{project_id}/jobs/stream`, our extension (the cloud has none): the project's task
 * changes as Server-Sent Events, each task as the list shows it. Without `Last-Event-ID` it
 * follows only what happens after the connection (a console loads the list first, then follows);
 * with it, it resumes after that event. Its ids are opaque (jobs/tenant-event-ids.ts), and it
 * ends with an `end` event once the caller's credential no longer reaches the project.
 */
export function tenantStreamRoutes(app: FastifyInstance, deps: TenantStreamDeps): void {
  const { jobs, auth, standing, standingCheckMs, eventIds, watcher, formatTime, keepAliveMs, streamSlots } =
    deps;

  // No HEAD: a stream has no headers-only form (HEAD is 405 with Allow: GET).
  const options = { exposeHeadRoute: false };
  app.get<{ Params: { project_id: string } }>(
    '/v3/:project_id/jobs/stream',
    options,
    async (request, reply) => {
      const projectId = request.params.project_id;
      const principal = await auth.forProject(request, projectId);
      // An empty Last-Event-ID is the SSE rule for "no last id"; any other must open for this project.
      const lastId = request.headers['last-event-id'];
      const resumed =
        lastId === undefined || lastId === '' ? undefined : eventIds.open(projectId, String(lastId));
      if (resumed === undefined && lastId !== undefined && lastId !== '')
        throw new ApiError('parameter', EVENTS_QUERY_RULES.tenantLastEventId);
      const after = resumed ?? (await jobs.lastEventCursor());
      const release = streamSlots.take(principal.userId);
      try {
        return await streamFeed(request, reply, {
          watcher,
          keepAliveMs,
          after,
          standing: { check: standing.forProject(request, principal, projectId), everyMs: standingCheckMs },
          async read(cursor): Promise<StreamPage> {
            // Read first: every entry up to it is committed, so the project's page holds all of them
            // that are the project's; the entries past it of other projects need no second look.
            const newest = await jobs.lastEventCursor();
            const events = await jobs.eventsAfter(cursor, PAGE, projectId);
            const full = events.length === PAGE;
            const lastRead = events.at(-1)?.cursor ?? cursor;
            return {
              events: events.map((e) => {
                const job = e.job;
                const data: TenantStreamEvent = {
                  // A project's page holds no workers' entries (`requested`): their project is none.
                  type: e.type as TenantStreamEvent['type'],
                  job: job === null ? null : jobItemOf(job, formatTime),
                  ...(e.logs && job ? { logs: e.logs.map((line) => runLogItemOf(job, line)) } : {}),
                };
                return { id: eventIds.seal(projectId, e.cursor), type: e.type, data: JSON.stringify(data) };
              }),
              seen: full ? lastRead : Math.max(newest, lastRead, cursor),
              full,
            };
          },
        });
      } finally {
        release();
      }
    },
  );
}
