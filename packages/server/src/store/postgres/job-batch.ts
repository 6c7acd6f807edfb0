import type pg from 'pg';
import type { BatchDecision, BatchWrite, JobRow, StoredJob } from '../records.js';
import * as rows from '../rows/job-rows.js';
import { appendEntry } from './job-events.js';
import { transaction } from './pool.js';

/**
 * A batch of producers' writes on PostgreSQL, in one transaction of a few statements whatever its
 * size: the tasks it names are read and locked (in id order, as every batch locks them, so two
 * batches never wait on each other in a cycle), the decision is taken on them, then the new tasks
 * are inserted, the changed ones updated to their last state, and the feed and history entries of
 * every write appended, each kind in one statement over arrays.
 */
export function createPostgresBatch(pool: pg.Pool, sharedWritersLock: string) {
  const read = `WITH ${sharedWritersLock}
SELECT ${rows.COLUMNS} FROM jobs, writer WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE OF jobs`;

  const insert = `INSERT INTO jobs (${rows.COLUMNS}, listed_json)
SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::integer[], $7::text[],
  $8::text[], $9::text[], $10::text[], $11::bigint[], $12::bigint[], $13::bigint[], $14::text[], $15::integer[],
  $16::bigint[], $17::text[], $18::text[])
ON CONFLICT (id) DO NOTHING`;

  const update = `UPDATE jobs SET status = u.status, progress = u.progress, fail_reason = u.fail_reason,
  ended_at = u.ended_at, switch_begin = u.switch_begin, switch_end = u.switch_end, retried_by = u.retried_by,
  version = u.version, updated_at = u.updated_at, listed_json = u.listed_json
FROM unnest($1::text[], $2::integer[], $3::text[], $4::integer[], $5::text[], $6::bigint[], $7::bigint[],
  $8::bigint[], $9::text[], $10::integer[], $11::bigint[], $12::text[])
  AS u (id, expected, status, progress, fail_reason, ended_at, switch_begin, switch_end, retried_by, version,
    updated_at, listed_json)
WHERE jobs.id = u.id AND jobs.version = u.expected`;

  const entries = `WITH written AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS w (project_id, id, type, job, n)
),
${appendEntry('written', { project: 'project_id', jobId: 'id', type: 'type', at: '$5::bigint', job: 'job' }, 'n')}`;

  // A task's entries number on from its last one; those of one statement add their rank `k`.
  const statuses = `INSERT INTO job_statuses (job_id, n, project_id, status, at, progress)
SELECT s.id, coalesce((SELECT max(n) FROM job_statuses WHERE job_id = s.id), 0) + s.k, s.project_id, s.status,
  s.at, s.progress
FROM unnest($1::text[], $2::integer[], $3::text[], $4::text[], $5::bigint[], $6::integer[])
  AS s (id, k, project_id, status, at, progress)`;

  return async function writeBatch<T>(ids: string[], decide: BatchDecision<T>, now: number): Promise<T> {
    return transaction(pool, async (client) => {
      const found = new Map<string, StoredJob>();
      const stored = await client.query<rows.Row>({ name: 'batch-read', text: read, values: [ids] });
      for (const row of stored.rows)
        found.set(row.id, { job: rows.toJob(row), createDigest: row.create_digest });
      const { writes, result } = decide(found);
      if (writes.length === 0) return result;
      const plan = planOf(writes, now);
      if (plan.created.length > 0) {
        const inserted = await client.query({
          name: 'batch-insert',
          text: insert,
          values: columnsOf(plan.created, (c) => [
            c.job.projectId,
            c.job.createdAt,
            c.job.id,
            c.job.name,
            c.job.status,
            c.job.progress,
            c.job.failReason,
            c.job.instanceId,
            c.job.instanceName,
            c.job.databaseName,
            c.job.endedAt,
            c.job.switchBegin,
            c.job.switchEnd,
            c.job.retriedBy,
            c.job.version,
            c.job.updatedAt,
            c.createDigest,
            rows.listedJsonOf(c.job),
          ]),
        });
        // Another writer recorded one of these ids since the read: decide again on what is there.
        if (inserted.rowCount !== plan.created.length)
          throw Object.assign(new Error('batch: a task id was recorded meanwhile'), { code: '40001' });
      }
      if (plan.changed.length > 0) {
        const updated = await client.query({
          name: 'batch-update',
          text: update,
          values: columnsOf(plan.changed, ({ expected, job }) => [
            job.id,
            expected,
            ...rows.changedValuesOf(job),
            job.updatedAt,
            rows.listedJsonOf(job),
          ]),
        });
        if (updated.rowCount !== plan.changed.length)
          throw new Error('batch: a locked task changed meanwhile');
      }
      await client.query({
        name: 'batch-entries',
        text: entries,
        values: [...columnsOf(plan.entries, (e) => [e.projectId, e.id, e.type, JSON.stringify(e.job)]), now],
      });
      if (plan.statuses.length > 0) {
        await client.query({
          name: 'batch-statuses',
          text: statuses,
          values: columnsOf(plan.statuses, (s) => [
            s.job.id,
            s.k,
            s.job.projectId,
            s.job.status,
            s.at,
            s.job.progress,
          ]),
        });
      }
      return result;
    });
  };
}

/** The rows each statement of a batch writes, from its writes in order. */
function planOf(writes: BatchWrite[], now: number) {
  /** New tasks, in their state after every write of the batch (a batch may create, then report). */
  const created = new Map<string, { job: JobRow; createDigest: string }>();
  /** Tasks that existed, in their last state, with the version read. */
  const changed = new Map<string, { expected: number; job: JobRow }>();
  const entries: { projectId: string; id: string; type: 'created' | 'changed'; job: JobRow }[] = [];
  const statuses: { job: JobRow; at: number; k: number }[] = [];
  const entriesOfTask = new Map<string, number>();
  const enteredStatus = (job: JobRow, createdNow: boolean) => {
    const k = (entriesOfTask.get(job.id) ?? 0) + 1;
    entriesOfTask.set(job.id, k);
    statuses.push({ job, at: rows.statusBeganAt(job, now, createdNow), k });
  };
  for (const write of writes) {
    if (write.kind === 'create') {
      const job = rows.createdJob(write.job, now);
      created.set(job.id, { job, createDigest: write.job.createDigest });
      entries.push({ projectId: job.projectId, id: job.id, type: 'created', job });
      enteredStatus(job, true);
      continue;
    }
    const { before, after } = write;
    const fresh = created.get(after.id);
    if (fresh) fresh.job = after;
    else changed.set(after.id, { expected: changed.get(after.id)?.expected ?? before.version, job: after });
    entries.push({ projectId: after.projectId, id: after.id, type: 'changed', job: after });
    if (after.status !== before.status) enteredStatus(after, false);
  }
  return { created: [...created.values()], changed: [...changed.values()], entries, statuses };
}

/** Items as the columns of an unnest: one array per field, in the order `fields` gives them. */
function columnsOf<T>(items: T[], fields: (item: T) => unknown[]): unknown[][] {
  const columns: unknown[][] = [];
  for (const item of items) {
    fields(item).forEach((value, i) => {
      columns[i] ??= [];
      (columns[i] as unknown[]).push(value);
    });
  }
  return columns;
}
