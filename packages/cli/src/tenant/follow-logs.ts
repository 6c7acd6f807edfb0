/**
 * `ddm-jobs logs ID --follow`: the run log so far, then each line as the tenant stream's `log`
 * events bring it, until the task finishes or leaves. The stream is opened before the log is
 * read, so no line falls between the two; a line both read and streamed is shown once.
 */
import type { DdmClient, StreamedEvent } from '@ddm-jobs/client';
import { FINISHED_STATUSES, type JobStatus, type RunLogItem } from '@ddm-jobs/contract/wire';

export type FollowEnd = 'finished' | 'removed';

const keyOf = (line: RunLogItem) => `${line.created_time} ${line.level} ${line.message}`;

/** Every line of the task's log, oldest first: the order of a terminal, newest at the bottom. */
export async function readLog(
  client: DdmClient,
  target: { jobId: string; instanceId: string },
): Promise<RunLogItem[]> {
  const lines: RunLogItem[] = [];
  for await (const line of client.runLogs(target)) lines.push(line);
  return lines.reverse();
}

/**
 * Shows the log so far and follows it; answers why it ended. The lines appended between the
 * stream's opening and the read come twice: a streamed line equal (time, level, message) to one
 * of the read is skipped once.
 */
export async function followLog(
  client: DdmClient,
  jobId: string,
  show: (line: RunLogItem) => void,
): Promise<FollowEnd> {
  // Leaving aborts the connection: a pending read then settles, and nothing keeps the process.
  const done = new AbortController();
  let opened!: () => void;
  const open = new Promise<void>((resolve) => {
    opened = resolve;
  });
  const stream = client.streamJobs({ onOpen: () => opened(), signal: done.signal });
  const pending = stream.next();
  try {
    await Promise.race([open, pending]);
    return await follow(client, jobId, show, stream, pending, done.signal);
  } finally {
    pending.catch(() => {});
    done.abort();
  }
}

async function follow(
  client: DdmClient,
  jobId: string,
  show: (line: RunLogItem) => void,
  first: AsyncIterableIterator<StreamedEvent>,
  firstPending: Promise<IteratorResult<StreamedEvent>>,
  signal: AbortSignal,
): Promise<FollowEnd> {
  let stream = first;
  let pending = firstPending;
  let lastEventId: string | undefined;

  const detail = await client.getJob(jobId);
  const read = await readLog(client, { jobId: detail.id, instanceId: detail.instance.id });
  for (const line of read) show(line);
  if (FINISHED_STATUSES.has(detail.status as JobStatus)) return 'finished';
  const seen = new Map<string, number>();
  for (const line of read) seen.set(keyOf(line), (seen.get(keyOf(line)) ?? 0) + 1);

  for (;;) {
    const next = await pending;
    if (next.done) {
      // The server closed the stream (a restart): resume after the last event taken.
      stream = client.streamJobs(lastEventId === undefined ? { signal } : { lastEventId, signal });
      pending = stream.next();
      continue;
    }
    lastEventId = next.value.id ?? lastEventId;
    const { event } = next.value;
    if (event.type === 'reset') return 'removed';
    if (event.job?.id === detail.id) {
      if (event.type === 'removed') return 'removed';
      for (const line of event.logs ?? []) {
        const left = seen.get(keyOf(line)) ?? 0;
        if (left > 0) seen.set(keyOf(line), left - 1);
        else show(line);
      }
      if (FINISHED_STATUSES.has(event.job.status as JobStatus)) return 'finished';
    }
    pending = stream.next();
  }
}
