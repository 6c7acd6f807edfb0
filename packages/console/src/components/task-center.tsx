import type { JobItem, RunLogItem } from '@ddm-jobs/contract/wire';
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { createConsoleApi } from '../api/console-api.js';
import { useTenantStream } from '../live/use-tenant-stream.js';
import { type Session, serverNow } from '../session/session.js';
import type { TaskAction } from '../tasks/actions.js';
import { useTaskList } from '../tasks/use-task-list.js';
import { useView } from '../view/use-view.js';
import { isFiltered } from '../view/view-state.js';
import { ActionDialog } from './action-dialog.js';
import { AppHeader } from './app-header.js';
import { BatchBar } from './batch-bar.js';
import { BatchDialog } from './batch-dialog.js';
import { DetailPanel } from './detail-panel.js';
import { FilterBar } from './filter-bar.js';
import { RefreshIcon } from './icons.js';
import { ListState } from './list-state.js';
import { MonthChart } from './month-chart.js';
import { Pager } from './pager.js';
import { RangePicker } from './range-picker.js';
import { TaskTable } from './task-table.js';

interface TaskCenterProps {
  session: Session;
  onSignOut: () => void;
  /** A call was refused with 401: the token expired or was revoked. */
  onExpired: () => void;
}

/**
 * The task list of the signed-in project, its range, filters and pages (all in the address, so
 * a link reopens the view), live, with details, actions, and actions on several tasks at once.
 */
export function TaskCenter({ session, onSignOut, onExpired }: TaskCenterProps) {
  const api = useMemo(() => createConsoleApi(session, onExpired), [session, onExpired]);
  const now = useCallback(() => serverNow(session), [session]);
  const [view, setView] = useView();
  const offset = (view.page - 1) * view.size;
  // The open task as last seen: the panel follows it even off the page, or opened from a link.
  const [detailCopy, setDetailCopy] = useState<JobItem>();
  // The open panel's run-log lines brought by `log` events, appended as they come.
  const [liveLines, setLiveLines] = useState<readonly RunLogItem[]>([]);
  const [acting, setActing] = useState<{ job: JobItem; action: TaskAction }>();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [batch, setBatch] = useState<{ jobs: JobItem[]; action: TaskAction }>();
  // Told for a few seconds: an action accepted (success), or a link's task that is gone (warning).
  const [notice, setNotice] = useState<{ text: string; tone: 'success' | 'warning' }>();

  const list = useTaskList(api, { choice: view.range, offset, limit: view.size, filters: view.filters }, now);
  const live = useTenantStream(api, {
    onEvent: (event) => {
      list.onEvent(event);
      // The panel follows its task even when it leaves the page.
      if (event.job && event.job.id === view.open) {
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
    const timer = setTimeout(() => setNotice(undefined), 6000);
    return () => clearTimeout(timer);
  }, [notice]);

  const { state } = list;
  // Tasks left (cleaned, or past the window) and the page is now beyond the last: go to the
  // last, in place of the current step of history (the page did it, not the person).
  useEffect(() => {
    if (list.current && state.phase === 'ready' && state.rows.length === 0 && view.page > 1)
      setView({ ...view, page: Math.max(1, Math.ceil(state.total / view.size)) }, 'replace');
  }, [list.current, state.phase, state.rows.length, state.total, view, setView]);

  // Another page, range or filter: a selection made on what is no longer shown ends.
  const pageKey = JSON.stringify([view.range, view.filters, view.page, view.size]);
  useEffect(() => {
    void pageKey;
    setSelected(new Set());
  }, [pageKey]);

  // A task opened by a link (or by back/forward) that is not on the page: looked up on its own.
  const openId = view.open;
  const openOnPage = openId !== undefined && state.rows.some((row) => row.id === openId);
  const openKnown = openOnPage || detailCopy?.id === openId;
  useEffect(() => {
    if (openId === undefined || openKnown) return;
    const controller = new AbortController();
    api.findJob(openId, controller.signal).then(
      (job) => {
        if (job) return setDetailCopy(job);
        setNotice({
          text: `Task ${openId} was not found: it was cleaned up, or is older than 30 days.`,
          tone: 'warning',
        });
        setView({ ...view, open: undefined }, 'replace');
      },
      () => {},
    );
    return () => controller.abort();
  }, [api, openId, openKnown, view, setView]);
  useEffect(() => {
    void openId;
    setLiveLines([]);
  }, [openId]);

  const detail =
    openId === undefined
      ? undefined
      : (state.rows.find((row) => row.id === openId) ?? (detailCopy?.id === openId ? detailCopy : undefined));
  const openDetail = (job: JobItem) => {
    setDetailCopy(job);
    setView({ ...view, open: job.id });
  };
  const openAction = useCallback((job: JobItem, action: TaskAction) => setActing({ job, action }), []);
  const selectedJobs = state.rows.filter((row) => selected.has(row.id));
  const filtered = isFiltered(view.filters);
  // The chart follows what the list shows: a task that came, changed status or left.
  const chartKey = `${state.total}|${state.rows.map((row) => `${row.id}:${row.status}`).join(',')}`;

  return (
    <div class="shell">
      <AppHeader session={session} live={live} onSignOut={onSignOut} />
      <main class="content">
        <div class="toolbar">
          <h1 class="page-title">Tasks</h1>
          <RangePicker
            choice={view.range}
            now={now}
            onChange={(range) => setView({ ...view, range, page: 1 })}
          />
          <button type="button" class="button" onClick={() => list.load()}>
            <RefreshIcon />
            <span>Refresh</span>
          </button>
        </div>
        {notice && (
          <p class={`notice notice--${notice.tone}`} role="status">
            {notice.text}
          </p>
        )}
        <MonthChart api={api} view={view} now={now} reloadKey={chartKey} onView={setView} />
        <section class="panel" aria-label="Task list">
          <FilterBar filters={view.filters} onChange={(filters) => setView({ ...view, filters, page: 1 })} />
          {session.mayAct && state.rows.length > 0 && (
            <BatchBar
              selected={selectedJobs}
              pageSize={state.rows.length}
              onSelectPage={(on) => setSelected(new Set(on ? state.rows.map((row) => row.id) : []))}
              onAction={(action) => setBatch({ jobs: selectedJobs, action })}
              onClear={() => setSelected(new Set())}
            />
          )}
          {state.phase === 'error' ? (
            <ListState kind="error" message={state.error} onRetry={() => list.load()} />
          ) : state.phase === 'loading' && state.rows.length === 0 ? (
            <ListState kind="loading" />
          ) : state.rows.length === 0 ? (
            <ListState kind="empty" filtered={filtered} />
          ) : (
            <TaskTable
              rows={state.rows}
              flash={state.flash}
              busy={state.phase === 'loading'}
              onOpen={openDetail}
              // A user whose roles may not act sees no action at all (the server would refuse it).
              {...(session.mayAct
                ? {
                    onAction: openAction,
                    selection: {
                      selected,
                      onToggle: (id: string, on: boolean) =>
                        setSelected((chosen) => {
                          const next = new Set(chosen);
                          if (on) next.add(id);
                          else next.delete(id);
                          return next;
                        }),
                    },
                  }
                : {})}
              onFlashEnd={list.clearFlash}
            />
          )}
          <Pager
            offset={offset}
            limit={view.size}
            total={state.total}
            onOffset={(next) => setView({ ...view, page: Math.floor(next / view.size) + 1 })}
            onLimit={(size) => setView({ ...view, size, page: 1 })}
          />
        </section>
      </main>
      {detail && (
        <DetailPanel
          job={detail}
          api={api}
          liveLines={liveLines}
          onClose={() => setView({ ...view, open: undefined })}
        />
      )}
      {acting && (
        <ActionDialog
          job={acting.job}
          action={acting.action}
          api={api}
          onClose={() => setActing(undefined)}
          onDone={(message) => {
            setActing(undefined);
            setNotice({ text: message, tone: 'success' });
          }}
        />
      )}
      {batch && (
        <BatchDialog
          jobs={batch.jobs}
          action={batch.action}
          api={api}
          onClose={(acted) => {
            setBatch(undefined);
            if (!acted) return;
            setSelected(new Set());
            list.load(true);
          }}
        />
      )}
    </div>
  );
}
