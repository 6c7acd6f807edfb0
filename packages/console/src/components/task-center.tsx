import type { JobItem, RunLogItem } from '@ddm-jobs/contract/wire';
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { createConsoleApi } from '../api/console-api.js';
import { useTenantStream } from '../live/use-tenant-stream.js';
import { type Session, serverNow } from '../session/session.js';
import type { TaskAction } from '../tasks/actions.js';
import { DEFAULT_PRESET, type RangeChoice } from '../tasks/range.js';
import { useTaskList } from '../tasks/use-task-list.js';
import { ActionDialog } from './action-dialog.js';
import { AppHeader } from './app-header.js';
import { DetailPanel } from './detail-panel.js';
import { RefreshIcon } from './icons.js';
import { ListState } from './list-state.js';
import { Pager } from './pager.js';
import { RangePicker } from './range-picker.js';
import { TaskTable } from './task-table.js';

interface TaskCenterProps {
  session: Session;
  onSignOut: () => void;
  /** A call was refused with 401: the token expired or was revoked. */
  onExpired: () => void;
}

/** The task list of the signed-in project, its range and pages, live, with details and actions. */
export function TaskCenter({ session, onSignOut, onExpired }: TaskCenterProps) {
  const api = useMemo(() => createConsoleApi(session, onExpired), [session, onExpired]);
  const now = useCallback(() => serverNow(session), [session]);
  const [choice, setChoice] = useState<RangeChoice>({ kind: 'preset', preset: DEFAULT_PRESET });
  const [offset, setOffset] = useState(0);
  const [limit, setLimit] = useState(10);
  const [detailId, setDetailId] = useState<string>();
  const [detailCopy, setDetailCopy] = useState<JobItem>();
  // The open panel's run-log lines brought by `log` events, appended as they come.
  const [liveLines, setLiveLines] = useState<readonly RunLogItem[]>([]);
  const [acting, setActing] = useState<{ job: JobItem; action: TaskAction }>();
  const [notice, setNotice] = useState('');

  const list = useTaskList(api, { choice, offset, limit }, now);
  const live = useTenantStream(api, {
    onEvent: (event) => {
      list.onEvent(event);
      // The panel follows its task even when it leaves the page.
      if (event.job && event.job.id === detailId) {
        setDetailCopy(event.job);
        const lines = event.type === 'log' ? event.logs : undefined;
        if (lines?.length) setLiveLines((shown) => [...shown, ...lines]);
      }
    },
    onUnauthorized: onExpired,
    onFresh: () => list.load(true),
  });

  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(''), 6000);
    return () => clearTimeout(timer);
  }, [notice]);

  const { state } = list;
  // Tasks left (cleaned, or past the window) and the page is now beyond the last: go to the last.
  useEffect(() => {
    if (state.phase === 'ready' && state.rows.length === 0 && offset > 0)
      setOffset(Math.max(0, Math.ceil(state.total / limit) - 1) * limit);
  }, [state.phase, state.rows.length, state.total, offset, limit]);
  const detail =
    detailId === undefined ? undefined : (state.rows.find((row) => row.id === detailId) ?? detailCopy);
  const openDetail = useCallback((job: JobItem) => {
    setDetailId(job.id);
    setDetailCopy(job);
    setLiveLines([]);
  }, []);
  const openAction = useCallback((job: JobItem, action: TaskAction) => setActing({ job, action }), []);

  return (
    <div class="shell">
      <AppHeader session={session} live={live} onSignOut={onSignOut} />
      <main class="content">
        <div class="toolbar">
          <h1 class="page-title">Tasks</h1>
          <RangePicker
            choice={choice}
            now={now}
            onChange={(next) => {
              setChoice(next);
              setOffset(0);
            }}
          />
          <button type="button" class="button" onClick={() => list.load()}>
            <RefreshIcon />
            <span>Refresh</span>
          </button>
        </div>
        {notice && (
          <p class="notice notice--success" role="status">
            {notice}
          </p>
        )}
        <section class="panel" aria-label="Task list">
          {state.phase === 'error' ? (
            <ListState kind="error" message={state.error} onRetry={() => list.load()} />
          ) : state.phase === 'loading' && state.rows.length === 0 ? (
            <ListState kind="loading" />
          ) : state.rows.length === 0 ? (
            <ListState kind="empty" />
          ) : (
            <TaskTable
              rows={state.rows}
              flash={state.flash}
              busy={state.phase === 'loading'}
              onOpen={openDetail}
              // A user whose roles may not act sees no action at all (the server would refuse it).
              {...(session.mayAct ? { onAction: openAction } : {})}
              onFlashEnd={list.clearFlash}
            />
          )}
          <Pager
            offset={offset}
            limit={limit}
            total={state.total}
            onOffset={setOffset}
            onLimit={(size) => {
              setLimit(size);
              setOffset(0);
            }}
          />
        </section>
      </main>
      {detail && (
        <DetailPanel job={detail} api={api} liveLines={liveLines} onClose={() => setDetailId(undefined)} />
      )}
      {acting && (
        <ActionDialog
          job={acting.job}
          action={acting.action}
          api={api}
          onClose={() => setActing(undefined)}
          onDone={(message) => {
            setActing(undefined);
            setNotice(message);
          }}
        />
      )}
    </div>
  );
}
