import { jobItemOf, parseLastEventId, type TenantStreamEvent, type TimeFormatter } from '@ddm-jobs/contract';
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../clock/clock.js';
import { ApiError } from '../errors/api-error.js';
import { type StreamPage, streamFeed } from '../http/sse.js';
import type { Authenticator } from '../identity/authenticate.js';
import type { FeedWatcher } from '../jobs/feed-watcher.js';
import type { JobStore } from '../store/interfaces.js';
import type { StreamSlots } from '../throttling/stream-slots.js';

export interface TenantStreamDeps {
  jobs: Pick<JobStore, 'eventsAfter' | 'lastEventCursor'>;
  auth: Authenticator;
  watcher: FeedWatcher;
  clock: Clock;
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
 * with it, it resumes after that event.
 */
export function tenantStreamRoutes(app: FastifyInstance, deps: TenantStreamDeps): void {
  const { jobs, auth, watcher, clock, formatTime, keepAliveMs, streamSlots } = deps;

  // No HEAD: a stream has no headers-only form (HEAD is 405 with Allow: GET).
  const options = { exposeHeadRoute: false };
  app.get<{ Params: { project_id: string } }>(
    '/v3/:project_id/jobs/stream',
    options,
    async (request, reply) => {
      const projectId = request.params.project_id;
      const principal = await auth.forProject(request, projectId);
      const resume = parseLastEventId(request.headers['last-event-id']);
      if (!resume.ok) throw new ApiError('parameter', resume.detail);
      const after = resume.value ?? (await jobs.lastEventCursor());
      // Credentials are checked once, here; a local token's stream ends when the token expires.
      const expiresAt = principal.token?.e;
      const release = streamSlots.take(principal.userId);
      try {
        return await streamFeed(request, reply, {
          watcher,
          keepAliveMs,
          after,
          ...(expiresAt === undefined ? {} : { expired: () => clock.now() >= expiresAt }),
          async read(cursor): Promise<StreamPage> {
            // Read first: every entry up to it is committed, so the project's page holds all of them
            // that are the project's; the entries past it of other projects need no second look.
            const newest = await jobs.lastEventCursor();
            const events = await jobs.eventsAfter(cursor, PAGE, projectId);
            const full = events.length === PAGE;
            const lastRead = events.at(-1)?.cursor ?? cursor;
            return {
              events: events.map((e) => {
                const data: TenantStreamEvent = {
                  type: e.type,
                  job: e.job === null ? null : jobItemOf(e.job, formatTime),
                };
                return { cursor: e.cursor, type: e.type, data: JSON.stringify(data) };
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
