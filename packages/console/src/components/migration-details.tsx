import type { DnInfo, JobItem, MigrateResults } from '@ddm-jobs/contract/wire';
import { useEffect, useState } from 'preact/hooks';
import type { ConsoleApi } from '../api/console-api.js';
import { describeError, isAbort } from '../api/describe-error.js';

type DetailsState =
  | { kind: 'loading' }
  | { kind: 'error'; message: string }
  | { kind: 'ready'; details: MigrateResults };

/** What the API shows as 0, [] or "" when no producer recorded it: a dash, not a real zero. */
const count = (n: number) => (n > 0 ? String(n) : '—');

function Nodes({ list }: { list: DnInfo[] }) {
  if (list.length === 0) return <span class="muted">—</span>;
  return (
    <ul class="plain-list">
      {list.map((node) => (
        <li key={node.dn_instance_id}>
          {node.dn_instance_name} <span class="muted mono small">{node.dn_instance_id}</span>
        </li>
      ))}
    </ul>
  );
}

/**
 * A shard migration's details (MigrateResults), read again when the task's status or offered
 * actions change: a new window or a switch to manual shows at once.
 */
export function MigrationDetails({ api, job }: { api: ConsoleApi; job: JobItem }) {
  const [state, setState] = useState<DetailsState>({ kind: 'loading' });
  const operations = job.operations.join(',');
  useEffect(() => {
    const controller = new AbortController();
    api.details(job, controller.signal).then(
      (details) => setState({ kind: 'ready', details }),
      (error) => {
        if (!isAbort(error)) setState({ kind: 'error', message: describeError(error) });
      },
    );
    return () => controller.abort();
  }, [api, job.id, job.status, operations]);

  if (state.kind === 'loading')
    return (
      <p class="muted" role="status">
        Loading the shard change…
      </p>
    );
  if (state.kind === 'error')
    return (
      <p class="form-error" role="alert">
        The shard change could not be loaded: {state.message}
      </p>
    );
  const { details } = state;
  return (
    <dl class="shard-fields" aria-label="Shard change">
      <dt>Shards before</dt>
      <dd>{count(details.original_shard_num)}</dd>
      <dt>Shards after</dt>
      <dd>{count(details.after_shard_num)}</dd>
      <dt>Data nodes before</dt>
      <dd>
        <Nodes list={details.original_dn_info_list} />
      </dd>
      <dt>Data nodes after</dt>
      <dd>
        <Nodes list={details.after_dn_info_list} />
      </dd>
      <dt>Migrating node</dt>
      <dd class="mono">{details.node_id_for_migrate || '—'}</dd>
      <dt>Exclusive node</dt>
      <dd>{details.is_exclusive ? 'Yes' : 'No'}</dd>
      <dt>Switch window</dt>
      <dd>
        {details.switch_route_is_manual
          ? 'By hand (Switch routes)'
          : `Daily ${details.auto_switch_begin_time} – ${details.auto_switch_end_time} (server time)`}
      </dd>
    </dl>
  );
}
