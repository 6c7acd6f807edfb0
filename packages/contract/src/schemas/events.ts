import { type Static, Type } from '../typebox.js';
import { InternalJobSchema } from './internal.js';
import { JobItemSchema } from './jobs.js';
import { RunLogItemSchema } from './run-logs.js';
import { InternalShardRequestSchema } from './shard-internal.js';

export const JOB_EVENT_TYPES = ['created', 'changed', 'removed', 'reset', 'log'] as const;

export const JobEventTypeSchema = Type.Enum([...JOB_EVENT_TYPES], {
  description:
    'created, changed or removed: what happened to the task; reset: the emulator emptied every task; ' +
    "log: lines appended to the task's run log (the task itself unchanged)",
});

const Cursor = Type.String({
  pattern: '^[0-9]+$',
  description: 'Position in the feed, decimal digits; increases in commit order, never reused',
});

/** The internal feed's types: the tasks' and, for workers only, a tenant's shard-change request. */
export const FEED_EVENT_TYPES = [...JOB_EVENT_TYPES, 'requested'] as const;

export const FeedEventTypeSchema = Type.Enum([...FEED_EVENT_TYPES], {
  description:
    'created, changed, removed, reset, log: as the tenant stream tells them; requested: a tenant asked for a ' +
    "shard change's pre-check (workers only)",
});

/** One entry of the change feed as the internal API shows it. */
export const FeedEventSchema = Type.Object(
  {
    cursor: Cursor,
    type: FeedEventTypeSchema,
    at: Type.Integer({ description: 'When it happened, epoch milliseconds (server clock)' }),
    job: Type.Union([InternalJobSchema, Type.Null()], {
      description:
        'The task after the change (as it was when removed; for log, as it was when the lines were ' +
        'written); null for a reset',
    }),
    logs: Type.Optional(
      Type.Array(RunLogItemSchema, { description: 'log only: the lines appended, in the order sent' }),
    ),
    shard_request: Type.Optional(InternalShardRequestSchema),
  },
  { additionalProperties: false },
);
export type FeedEvent = Static<typeof FeedEventSchema>;

/** `GET /internal/v1/events` as JSON (a long-poll). */
export const EventsResponseSchema = Type.Object(
  {
    events: Type.Array(FeedEventSchema),
    next_cursor: Type.String({
      pattern: '^[0-9]+$',
      description: 'Send as after next time: the cursor of the last event, or after itself when none',
    }),
  },
  { additionalProperties: false },
);
export type EventsResponse = Static<typeof EventsResponseSchema>;

/** The data of one event of `GET /v3/{project_id}/jobs/stream`: the tenant's view of a change. */
export const TenantStreamEventSchema = Type.Object(
  {
    type: JobEventTypeSchema,
    job: Type.Union([JobItemSchema, Type.Null()], {
      description: 'The task as the list shows it (for removed, as it last was); null for a reset',
    }),
    logs: Type.Optional(
      Type.Array(RunLogItemSchema, { description: 'log only: the lines appended, in the order sent' }),
    ),
  },
  { additionalProperties: false },
);
export type TenantStreamEvent = Static<typeof TenantStreamEventSchema>;
