import { performance } from 'node:perf_hooks';
import {
  EventsResponseSchema,
  type FeedEvent,
  parseEventsQuery,
  parseLastEventId,
  type QueryValue,
} from '@ddm-jobs/contract';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors/api-error.js';
import { guardForService } from '../http/route-guard.js';
import { type StreamPage, streamFeed, wantsEventStream } from '../http/sse.js';
import type { Authenticator } from '../identity/authenticate.js';
import type { StandingChecks } from '../identity/standing.js';
import type { FeedWatcher } from '../jobs/feed-watcher.js';
import { toInternalJob } from '../jobs/internal-job.js';
import { runLogItemOf } from '../jobs/run-logs.js';
import { toInternalShardRequest } from '../shards/internal-request.js';
import type { JobStore } from '../store/interfaces.js';
import type { JobEvent, JobRow } from '../store/records.js';
import type { StreamSlots } from '../throttling/stream-slots.js';

export interface InternalEventsDeps {
  jobs: Pick<JobStore, 'eventsAfter'>;
  auth: Authenticator;
  /** Asked again while a stream is open: a worker whose credential or role goes loses the stream. */
  standing: StandingChecks;
  /** How often `standing` is asked. */
  standingCheckMs: number;
  watcher: FeedWatcher;
  keepAliveMs: number;
  /** Caps the streams open per user (429 APIGW.0308 beyond). */
  streamSlots: StreamSlots;
}

const toFeedEvent = (event: JobEvent): FeedEvent => ({
  cursor: String(event.cursor),
  type: event.type,
  at: event.at,
  job: event.job === null ? null : toInternalJob(event.job),
  ...(event.logs && event.job
    ? { logs: event.logs.map((line) => runLogItemOf(event.job as JobRow, line)) }
    : {}),
  ...(event.request ? { shard_request: toInternalShardRequest(event.request) } : {}),
});

/**
 * The change feed for control-plane workers, `GET /internal/v1/events`: every task created,
 * changed or removed after a cursor, in commit order. JSON answers at once or, with `wait`, once
 * something happens (a long-poll); `Accept: text/event-stream` follows it as Server-Sent Events.
 */
export function internalEventsRoutes(app: FastifyInstance, deps: InternalEventsDeps): void {
  const { jobs, auth, standing, standingCheckMs, watcher, keepAliveMs, streamSlots } = deps;
  guardForService(app, auth);

  app.get<{ Querystring: Record<string, QueryValue> }>(
    '/internal/v1/events',
    // No HEAD: a stream has no headers-only form (HEAD is 405 with Allow: GET).
    { exposeHeadRoute: false, schema: { response: { 200: EventsResponseSchema } } },
    async (request, reply) => {
      const parsed = parseEventsQuery(request.query);
      if (!parsed.ok) throw new ApiError('parameter', parsed.detail);
      const { after, limit, waitSeconds } = parsed.value;

      if (wantsEventStream(request)) {
        const resume = parseLastEventId(request.headers['last-event-id']);
        if (!resume.ok) throw new ApiError('parameter', resume.detail);
        // The guard authenticated the caller; its principal is kept on the request.
        const principal = request.principal;
        if (!principal) throw new ApiError('notAuthorized');
        const release = streamSlots.take(principal.userId);
        try {
          return await streamFeed(request, reply, {
            watcher,
            keepAliveMs,
            // Browsers send Last-Event-ID when they reconnect: it wins over the URL's `after`.
            after: resume.value ?? after,
            standing: { check: standing.forService(request, principal), everyMs: standingCheckMs },
            async read(cursor): Promise<StreamPage> {
              const events = await jobs.eventsAfter(cursor, limit);
              return {
                events: events.map((e) => ({
                  id: String(e.cursor),
                  type: e.type,
                  data: JSON.stringify(toFeedEvent(e)),
                })),
                seen: events.at(-1)?.cursor ?? cursor,
                full: events.length === limit,
              };
            },
          });
        } finally {
          release();
        }
      }

      let events = await jobs.eventsAfter(after, limit);
      if (events.length === 0 && waitSeconds > 0) {
        // The client going away ends the wait; the wait is a transport timeout, so wall time.
        const gone = new AbortController();
        const onClose = () => gone.abort();
        reply.raw.once('close', onClose);
        const deadline = performance.now() + waitSeconds * 1000;
        try {
          for (;;) {
            const timeoutMs = deadline - performance.now();
            if (timeoutMs <= 0) break;
            const outcome = await watcher.waitBeyond(after, { signal: gone.signal, timeoutMs });
            if (outcome !== 'grown') break;
            events = await jobs.eventsAfter(after, limit);
            if (events.length > 0) break;
          }
        } finally {
          reply.raw.removeListener('close', onClose);
        }
      }
      return {
        events: events.map(toFeedEvent),
        next_cursor: String(events.at(-1)?.cursor ?? after),
      };
    },
  );
}
