import type { JobItem } from '@ddm-jobs/contract/wire';
import { percentOf } from '../tasks/job-fields.js';

/** A bar with the percent while the task executes; a dash otherwise. */
export function ProgressCell({ job }: { job: Pick<JobItem, 'status' | 'process'> }) {
  const percent = percentOf(job);
  if (percent === undefined) return <span class="muted">—</span>;
  return (
    <span class="progress">
      <progress class="progress__bar" max={100} value={percent} aria-label={`Progress ${percent}%`} />
      <span class="progress__text">{percent}%</span>
    </span>
  );
}
