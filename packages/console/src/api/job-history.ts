import type { JobHistoryEntry, JobHistoryResponse } from '@ddm-jobs/contract/wire';
import { readHttpError } from './http-error.js';

/**
 * A task's status changes, oldest first: `GET /v3/{project_id}/jobs/{job_id}/history`, ddm-jobs'
 * extension (the cloud has none). Called here with fetch until the SDK offers it.
 */
export async function fetchJobHistory(
  target: { projectId: string; token: string },
  jobId: string,
  signal?: AbortSignal,
): Promise<JobHistoryEntry[]> {
  const url = `/v3/${encodeURIComponent(target.projectId)}/jobs/${encodeURIComponent(jobId)}/history`;
  const response = await fetch(url, {
    headers: { 'x-auth-token': target.token, accept: 'application/json' },
    cache: 'no-store',
    ...(signal ? { signal } : {}),
  });
  if (!response.ok) throw await readHttpError(response);
  const body = (await response.json()) as Partial<JobHistoryResponse>;
  return Array.isArray(body.history) ? body.history : [];
}
