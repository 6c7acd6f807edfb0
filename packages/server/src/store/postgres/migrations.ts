/**
 * Numbered migrations, applied in order at start, each in its own transaction. Append only:
 * a migration that has shipped is never edited. The numbers mean the same as SQLite's.
 * Keys and names use the "C" collation: byte order, as SQLite sorts, whatever the database's.
 */
export const MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'identity and tasks',
    sql: `
CREATE TABLE domains (
  id TEXT COLLATE "C" PRIMARY KEY,
  name TEXT COLLATE "C" NOT NULL UNIQUE,
  created_at BIGINT NOT NULL
);
CREATE TABLE projects (
  id TEXT COLLATE "C" PRIMARY KEY,
  name TEXT COLLATE "C" NOT NULL,
  domain_id TEXT COLLATE "C" NOT NULL REFERENCES domains(id),
  created_at BIGINT NOT NULL,
  UNIQUE (domain_id, name)
);
CREATE TABLE users (
  id TEXT COLLATE "C" PRIMARY KEY,
  name TEXT COLLATE "C" NOT NULL,
  domain_id TEXT COLLATE "C" NOT NULL REFERENCES domains(id),
  password_hash TEXT NOT NULL,
  -- Tokens carry the epoch they were issued at: raising it (password change, disable) kills them.
  token_epoch BIGINT NOT NULL,
  enabled BOOLEAN NOT NULL DEFAULT TRUE,
  created_at BIGINT NOT NULL,
  UNIQUE (domain_id, name)
);
CREATE TABLE role_assignments (
  user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  project_id TEXT COLLATE "C" NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  role TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (user_id, project_id, role)
);
CREATE INDEX role_assignments_by_project ON role_assignments (project_id);
CREATE TABLE shared_secrets (
  name TEXT COLLATE "C" PRIMARY KEY,
  value BYTEA NOT NULL
);

-- Keyed by (project, creation time, id): a page of a project's window is one index range read.
-- Updates touch no indexed column, so with room left on each page they stay HOT.
CREATE TABLE jobs (
  project_id TEXT COLLATE "C" NOT NULL,
  created_at BIGINT NOT NULL,
  id TEXT COLLATE "C" NOT NULL,
  name TEXT NOT NULL,
  status TEXT COLLATE "C" NOT NULL,
  progress INTEGER NOT NULL,
  fail_reason TEXT NOT NULL,
  instance_id TEXT NOT NULL,
  instance_name TEXT NOT NULL,
  database_name TEXT NOT NULL,
  ended_at BIGINT,
  switch_begin BIGINT,
  switch_end BIGINT,
  version INTEGER NOT NULL,
  updated_at BIGINT NOT NULL,
  create_digest TEXT NOT NULL,
  -- The task as the list shows it (UTC times), rendered by the writer: a page is then read as
  -- ten strings and sent without re-serialising.
  listed_json TEXT NOT NULL,
  PRIMARY KEY (project_id, created_at, id)
) WITH (fillfactor = 90);
CREATE UNIQUE INDEX jobs_by_id ON jobs (id);

-- Tasks per project per minute (level 0), hour (1) and day (2) of creation, kept by triggers,
-- so that a window's total and an offset's position are found without scanning the window.
CREATE TABLE job_counts (
  project_id TEXT COLLATE "C" NOT NULL,
  level SMALLINT NOT NULL,
  bucket BIGINT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (project_id, level, bucket)
);
-- Retention finds the projects holding old tasks through their day buckets.
CREATE INDEX job_counts_days ON job_counts (bucket) WHERE level = 2;

CREATE TABLE job_status_counts (
  status TEXT COLLATE "C" PRIMARY KEY,
  n INTEGER NOT NULL
);

-- Row triggers for inserts and status changes (one row per statement, and a status change is
-- filtered before the call); a statement trigger for deletes, so a bulk delete (reset,
-- retention) updates each bucket once. Writers hold the store's writer lock (job-store.ts), so
-- these count rows are never updated by two transactions at once.
CREATE FUNCTION jobs_counted() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  INSERT INTO job_counts AS c VALUES (NEW.project_id, 0, NEW.created_at / 60000, 1),
                                     (NEW.project_id, 1, NEW.created_at / 3600000, 1),
                                     (NEW.project_id, 2, NEW.created_at / 86400000, 1)
    ON CONFLICT (project_id, level, bucket) DO UPDATE SET n = c.n + 1;
  INSERT INTO job_status_counts AS c VALUES (NEW.status, 1) ON CONFLICT (status) DO UPDATE SET n = c.n + 1;
  RETURN NULL;
END $$;
CREATE TRIGGER jobs_counted AFTER INSERT ON jobs FOR EACH ROW EXECUTE FUNCTION jobs_counted();

CREATE FUNCTION jobs_status_recounted() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  UPDATE job_status_counts SET n = n - 1 WHERE status = OLD.status;
  INSERT INTO job_status_counts AS c VALUES (NEW.status, 1) ON CONFLICT (status) DO UPDATE SET n = c.n + 1;
  RETURN NULL;
END $$;
CREATE TRIGGER jobs_status_recounted AFTER UPDATE OF status ON jobs
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION jobs_status_recounted();

CREATE FUNCTION jobs_uncounted() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  UPDATE job_counts c SET n = c.n - d.n
    FROM (SELECT project_id, l.level, created_at / l.size AS bucket, count(*)::integer AS n
            FROM gone CROSS JOIN (VALUES (0, 60000), (1, 3600000), (2, 86400000)) AS l (level, size)
           GROUP BY 1, 2, 3) d
   WHERE c.project_id = d.project_id AND c.level = d.level AND c.bucket = d.bucket;
  UPDATE job_status_counts c SET n = c.n - d.n
    FROM (SELECT status, count(*)::integer AS n FROM gone GROUP BY status) d
   WHERE c.status = d.status;
  RETURN NULL;
END $$;
CREATE TRIGGER jobs_uncounted AFTER DELETE ON jobs REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION jobs_uncounted();
`,
  },
  {
    version: 2,
    name: 'access keys',
    sql: `
-- The secret key is sealed (AES-256-GCM) with a key kept outside the database: see credential-vault.ts.
CREATE TABLE credentials (
  access_key TEXT COLLATE "C" PRIMARY KEY,
  user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  sealed_secret BYTEA NOT NULL,
  enabled BOOLEAN NOT NULL DEFAULT TRUE,
  created_at BIGINT NOT NULL,
  -- Set when too many failed signatures lock the key; in the database so that every node sees it.
  locked_until BIGINT
);
CREATE INDEX credentials_by_user ON credentials (user_id, created_at);
CREATE TABLE credential_failures (
  access_key TEXT COLLATE "C" NOT NULL REFERENCES credentials(access_key) ON DELETE CASCADE,
  failed_at BIGINT NOT NULL
);
CREATE INDEX credential_failures_by_key ON credential_failures (access_key, failed_at);
`,
  },
  {
    version: 3,
    name: 'task lifecycle: retries, removals, change feed, simulations',
    sql: `
ALTER TABLE jobs ADD COLUMN retried_by TEXT COLLATE "C";

-- The change feed: one row per task creation, change or removal, written in the same transaction.
-- Cursors come from job_event_cursor, not a sequence: sequence values are taken before commit,
-- so they would not be in commit order, and the counter is transactional and survives a reset.
CREATE TABLE job_events (
  seq BIGINT PRIMARY KEY,
  project_id TEXT COLLATE "C" NOT NULL,
  type TEXT NOT NULL,
  at BIGINT NOT NULL,
  job TEXT
);
CREATE INDEX job_events_by_project ON job_events (project_id, seq);

-- The newest cursor handed out: one row, advanced by each entry's transaction.
CREATE TABLE job_event_cursor (
  one BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one),
  last BIGINT NOT NULL
);
INSERT INTO job_event_cursor (last) VALUES (0);

-- Cleaned tasks: gone from every listing, kept for audit.
CREATE TABLE removed_jobs (
  id TEXT COLLATE "C" PRIMARY KEY,
  project_id TEXT COLLATE "C" NOT NULL,
  removed_at BIGINT NOT NULL,
  removed_by TEXT NOT NULL,
  job TEXT NOT NULL
);
CREATE INDEX removed_jobs_by_time ON removed_jobs (removed_at);

-- The tasks the simulator produces, with their plan and the step they are in.
CREATE TABLE simulations (
  job_id TEXT COLLATE "C" PRIMARY KEY,
  plan TEXT NOT NULL,
  step INTEGER NOT NULL,
  step_started_at BIGINT NOT NULL
);
`,
  },
  {
    version: 4,
    name: 'feed notifications',
    sql: `
-- Every commit that advanced the feed tells the listening nodes (LISTEN ddm_jobs_feed), with the
-- schema as payload; PostgreSQL delivers it at commit and folds repeats within a transaction.
CREATE FUNCTION notify_feed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('ddm_jobs_feed', current_schema());
  RETURN NULL;
END $$;
CREATE TRIGGER job_event_cursor_notifies AFTER UPDATE ON job_event_cursor
  FOR EACH STATEMENT EXECUTE FUNCTION notify_feed();
`,
  },
  {
    version: 5,
    name: 'feed entries by task, for the status history',
    sql: `
-- The task an entry tells of (NULL for a reset), so a task's history is one index range read.
ALTER TABLE job_events ADD COLUMN job_id TEXT COLLATE "C";
UPDATE job_events SET job_id = job::json ->> 'id' WHERE job IS NOT NULL;
CREATE INDEX job_events_by_job ON job_events (job_id, seq);
`,
  },
  {
    version: 6,
    name: 'status history in a table of its own',
    sql: `
-- The statuses each task went through, one row per run of one status, written in the same
-- statement as the change (the history route reads them): the feed's entries can then be kept
-- for days only, while a task's history lasts as long as the task. at: when the status began.
CREATE TABLE job_statuses (
  job_id TEXT COLLATE "C" NOT NULL,
  n INTEGER NOT NULL,
  project_id TEXT COLLATE "C" NOT NULL,
  status TEXT COLLATE "C" NOT NULL,
  at BIGINT NOT NULL,
  progress INTEGER NOT NULL,
  PRIMARY KEY (job_id, n)
);
-- From the feed, as the history was read before: each task's entries since its last creation
-- (unless it was removed since), the first of each run of one status.
INSERT INTO job_statuses (job_id, n, project_id, status, at, progress)
SELECT job_id, row_number() OVER (PARTITION BY job_id ORDER BY seq), project_id, status,
  CASE WHEN ended_at IS NOT NULL THEN ended_at WHEN type = 'created' THEN created_at ELSE at END, progress
FROM (
  SELECT e.seq, e.job_id, e.project_id, e.type, e.at, j ->> 'status' AS status,
    (j ->> 'progress')::integer AS progress, (j ->> 'createdAt')::bigint AS created_at,
    (j ->> 'endedAt')::bigint AS ended_at,
    lag(j ->> 'status') OVER (PARTITION BY e.job_id ORDER BY e.seq) AS previous
  FROM job_events e CROSS JOIN LATERAL (SELECT e.job::json AS j) AS parsed
  JOIN (SELECT job_id, max(seq) AS since FROM job_events WHERE type = 'created' GROUP BY job_id) c
    ON c.job_id = e.job_id AND e.seq >= c.since
  WHERE e.type IN ('created', 'changed')
    AND NOT EXISTS (SELECT 1 FROM job_events r WHERE r.job_id = e.job_id AND r.type = 'removed' AND r.seq > c.since)
) AS entries
WHERE previous IS NULL OR previous <> status;
-- The history no longer reads the feed by task: one index fewer for every entry written.
DROP INDEX job_events_by_job;
`,
  },
  {
    version: 7,
    name: 'writers without one lock: feed cursors from transaction ids, counts spread, identity notifications',
    sql: `
-- Writers no longer take one lock per schema, nor update one cursor row. A feed entry's cursor is
-- the id of the transaction writing it (xid8) times 1024, plus the entry's rank in that
-- transaction; readers deliver only entries of transactions older than every transaction still
-- running (the horizon: pg_snapshot_xmin of their snapshot), all of which have finished. A cursor
-- once delivered is thus never followed by a smaller one (postgres/job-events.ts). Cursors so far
-- (a counter) are all below the first new one: a transaction's id exceeds the entries before it.
DROP TRIGGER job_event_cursor_notifies ON job_event_cursor;
DROP FUNCTION notify_feed();
DROP TABLE job_event_cursor;

-- Counts by status spread over 8 rows per status (by the writing backend), so that concurrent
-- writers seldom wait on one row; a status's count is the sum of its rows.
ALTER TABLE job_status_counts ADD COLUMN shard SMALLINT NOT NULL DEFAULT 0;
ALTER TABLE job_status_counts DROP CONSTRAINT job_status_counts_pkey;
ALTER TABLE job_status_counts ADD PRIMARY KEY (status, shard);
CREATE OR REPLACE FUNCTION jobs_counted() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  INSERT INTO job_counts AS c VALUES (NEW.project_id, 0, NEW.created_at / 60000, 1),
                                     (NEW.project_id, 1, NEW.created_at / 3600000, 1),
                                     (NEW.project_id, 2, NEW.created_at / 86400000, 1)
    ON CONFLICT (project_id, level, bucket) DO UPDATE SET n = c.n + 1;
  INSERT INTO job_status_counts AS c VALUES (NEW.status, 1, pg_backend_pid() % 8)
    ON CONFLICT (status, shard) DO UPDATE SET n = c.n + 1;
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION jobs_status_recounted() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  -- Rows locked in status order, as every writer does: concurrent moves never wait on each other in a cycle.
  INSERT INTO job_status_counts AS c
    SELECT s, d, pg_backend_pid() % 8 FROM (VALUES (OLD.status, -1), (NEW.status, 1)) AS v (s, d) ORDER BY s
    ON CONFLICT (status, shard) DO UPDATE SET n = c.n + excluded.n;
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION jobs_uncounted() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  UPDATE job_counts c SET n = c.n - d.n
    FROM (SELECT project_id, l.level, created_at / l.size AS bucket, count(*)::integer AS n
            FROM gone CROSS JOIN (VALUES (0, 60000), (1, 3600000), (2, 86400000)) AS l (level, size)
           GROUP BY 1, 2, 3) d
   WHERE c.project_id = d.project_id AND c.level = d.level AND c.bucket = d.bucket;
  INSERT INTO job_status_counts AS c
    SELECT status, -count(*)::integer, pg_backend_pid() % 8 FROM gone GROUP BY status ORDER BY status
    ON CONFLICT (status, shard) DO UPDATE SET n = c.n + excluded.n;
  RETURN NULL;
END $$;

-- Every change of users and role assignments tells the listening nodes (LISTEN
-- ddm_jobs_identity, the schema as payload), whose token checks cache what they read of users.
CREATE FUNCTION notify_identity() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('ddm_jobs_identity', current_schema());
  RETURN NULL;
END $$;
CREATE TRIGGER users_notify AFTER INSERT OR UPDATE OR DELETE ON users
  FOR EACH STATEMENT EXECUTE FUNCTION notify_identity();
CREATE TRIGGER role_assignments_notify AFTER INSERT OR UPDATE OR DELETE ON role_assignments
  FOR EACH STATEMENT EXECUTE FUNCTION notify_identity();
`,
  },
  {
    version: 8,
    name: 'the window listing in one call',
    sql: `
-- A page of a project's window in one call, whatever its offset (postgres/job-listing.ts): the
-- listing's algorithm (described in listing/window-listing.ts) run inside the database, rather
-- than one round trip per read. The caller cuts the window into segments with the shared
-- windowSegments and passes them newest first as three arrays: each segment's level (NULL: counted
-- row by row) and its bounds [from, to) in that level's unit (bucket numbers, or epoch ms for
-- rows), as segmentBounds gives them. A rank below p_skip_limit (DIRECT_SKIP_LIMIT) is reached by
-- stepping over rows; a deeper one descends through the buckets holding it, one level finer each time.
--
-- STABLE: every statement of the call reads the snapshot of the statement calling it, so the
-- total and the page agree without a transaction. Returns the page's rows (the columns of the
-- listing's reads: the task's, and its JSON), each with the window's total; a page without rows
-- (an empty window, an offset at or past the total) is one row holding the total alone.
CREATE FUNCTION list_window(p_project text, p_levels integer[], p_froms bigint[], p_tos bigint[],
    p_start bigint, p_end bigint, p_offset bigint, p_limit bigint, p_skip_limit integer)
  RETURNS TABLE (total bigint, id text, name text, status text, progress integer, fail_reason text,
    instance_id text, instance_name text, database_name text, created_at bigint, ended_at bigint,
    switch_begin bigint, switch_end bigint, retried_by text, version integer, updated_at bigint,
    listed_json text)
  LANGUAGE plpgsql STABLE SET search_path FROM CURRENT AS $$
-- The result's columns are named as the table's: in a query, such a name means the column.
#variable_conflict use_column
DECLARE
  -- A bucket of level l spans sizes[l + 1] ms (the levels of job_counts: minute, hour, day).
  sizes CONSTANT bigint[] := ARRAY[60000, 3600000, 86400000];
  counts bigint[];
  v_count bigint;
  v_total bigint;
  v_rank bigint := p_offset;
  -- The segment holding the rank: its level (NULL: rows) and its bounds in that level's unit.
  v_level integer;
  v_from bigint;
  v_to bigint;
  v_bucket bigint;
  v_finer integer;
  v_ratio bigint;
  v_unit bigint;
  -- The position (created_at, id) of the row at the offset.
  v_at bigint;
  v_id text COLLATE "C";
BEGIN
  -- Each segment's count, newest first (by the buckets of its level, or row by row), and their sum.
  counts := ARRAY(
    SELECT CASE WHEN s.lvl IS NULL
             THEN (SELECT count(*) FROM jobs j
                    WHERE j.project_id = p_project AND j.created_at >= s.lo AND j.created_at < s.hi)
             ELSE (SELECT coalesce(sum(c.n), 0) FROM job_counts c
                    WHERE c.project_id = p_project AND c.level = s.lvl AND c.bucket >= s.lo AND c.bucket < s.hi)
           END
      FROM unnest(p_levels, p_froms, p_tos) WITH ORDINALITY AS s (lvl, lo, hi, i)
     ORDER BY s.i);
  v_total := 0;
  FOREACH v_count IN ARRAY counts LOOP
    v_total := v_total + v_count;
  END LOOP;

  IF p_offset >= v_total THEN
    total := v_total;
    RETURN NEXT;
    RETURN;
  END IF;

  IF p_offset = 0 THEN
    -- The first page, by far the most asked for: from the window's end.
    RETURN QUERY
      SELECT v_total, j.id, j.name, j.status, j.progress, j.fail_reason, j.instance_id, j.instance_name,
             j.database_name, j.created_at, j.ended_at, j.switch_begin, j.switch_end, j.retried_by, j.version,
             j.updated_at, j.listed_json
        FROM jobs j
       WHERE j.project_id = p_project AND j.created_at >= p_start AND j.created_at <= p_end
       ORDER BY j.created_at DESC, j.id DESC LIMIT p_limit;
    RETURN;
  END IF;

  -- The segment holding the offset, and the rank within it.
  FOR i IN 1 .. array_length(p_levels, 1) LOOP
    IF v_rank < counts[i] THEN
      v_level := p_levels[i];
      v_from := p_froms[i];
      v_to := p_tos[i];
      EXIT;
    END IF;
    v_rank := v_rank - counts[i];
  END LOOP;

  -- Down through the buckets while the rank is too deep to step over: the bucket of the segment's
  -- level holding it (newest first), which becomes a segment of the next finer level (rows below minutes).
  WHILE v_level IS NOT NULL AND v_rank >= p_skip_limit LOOP
    SELECT b.bucket, v_rank - (b.running - b.n) INTO v_bucket, v_rank
      FROM (SELECT c.bucket, c.n, sum(c.n) OVER (ORDER BY c.bucket DESC) AS running
              FROM job_counts c
             WHERE c.project_id = p_project AND c.level = v_level AND c.bucket >= v_from AND c.bucket < v_to
               AND c.n > 0) b
     WHERE b.running > v_rank
     ORDER BY b.bucket DESC LIMIT 1;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'job_counts disagree with jobs';
    END IF;
    v_finer := CASE WHEN v_level = 0 THEN NULL ELSE v_level - 1 END;
    v_ratio := sizes[v_level + 1] / coalesce(sizes[v_finer + 1], 1);
    v_from := v_bucket * v_ratio;
    v_to := v_from + v_ratio;
    v_level := v_finer;
  END LOOP;

  -- The position of the row at the rank, stepping over the rows before it.
  v_unit := coalesce(sizes[v_level + 1], 1);
  v_from := v_from * v_unit;
  v_to := v_to * v_unit;
  SELECT j.created_at, j.id INTO v_at, v_id
    FROM jobs j
   WHERE j.project_id = p_project AND j.created_at >= v_from AND j.created_at < v_to
   ORDER BY j.created_at DESC, j.id DESC LIMIT 1 OFFSET v_rank;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'job_counts disagree with jobs';
  END IF;

  -- The page, from that position on.
  RETURN QUERY
    SELECT v_total, j.id, j.name, j.status, j.progress, j.fail_reason, j.instance_id, j.instance_name,
           j.database_name, j.created_at, j.ended_at, j.switch_begin, j.switch_end, j.retried_by, j.version,
           j.updated_at, j.listed_json
      FROM jobs j
     WHERE j.project_id = p_project AND j.created_at >= p_start AND (j.created_at, j.id) <= (v_at, v_id)
     ORDER BY j.created_at DESC, j.id DESC LIMIT p_limit;
END $$;
`,
  },
  {
    version: 9,
    name: 'daily switch windows',
    sql: `
-- Switch windows are daily HH:mm:ss times now, kept as seconds of the day in the same columns
-- (list_window, migration 8, reads them unchanged). A window stored as two instants (epoch ms)
-- keeps the times of day of those instants in UTC: stored data has no zone of its own. One the
-- tenant's rule would refuse (crossing midnight, shorter than an hour) is kept as it is:
-- producers' records need not meet that rule.
UPDATE jobs SET switch_begin = (switch_begin / 1000) % 86400, switch_end = (switch_end / 1000) % 86400
WHERE switch_begin IS NOT NULL OR switch_end IS NOT NULL;
-- The same in the tasks the feed, the cleaned tasks' audit records and the simulator's plans hold
-- (JSON text; both times are set together, so neither jsonb_set sees a NULL).
UPDATE job_events SET job = jsonb_set(jsonb_set(job::jsonb,
  '{switchBegin}', to_jsonb(((job::jsonb ->> 'switchBegin')::bigint / 1000) % 86400)),
  '{switchEnd}', to_jsonb(((job::jsonb ->> 'switchEnd')::bigint / 1000) % 86400))::text
WHERE job IS NOT NULL AND job::jsonb ->> 'switchBegin' IS NOT NULL AND job::jsonb ->> 'switchEnd' IS NOT NULL;
UPDATE removed_jobs SET job = jsonb_set(jsonb_set(job::jsonb,
  '{switchBegin}', to_jsonb(((job::jsonb ->> 'switchBegin')::bigint / 1000) % 86400)),
  '{switchEnd}', to_jsonb(((job::jsonb ->> 'switchEnd')::bigint / 1000) % 86400))::text
WHERE job::jsonb ->> 'switchBegin' IS NOT NULL AND job::jsonb ->> 'switchEnd' IS NOT NULL;
UPDATE simulations SET plan = jsonb_set(jsonb_set(plan::jsonb,
  '{window,begin}', to_jsonb(((plan::jsonb #>> '{window,begin}')::bigint / 1000) % 86400)),
  '{window,end}', to_jsonb(((plan::jsonb #>> '{window,end}')::bigint / 1000) % 86400))::text
WHERE plan::jsonb #>> '{window,begin}' IS NOT NULL AND plan::jsonb #>> '{window,end}' IS NOT NULL;
`,
  },
  {
    version: 10,
    name: 'run logs and shard-configuration details',
    sql: `
-- A task's run log (docs/api.md, "Run logs"): lines a producer or the simulator appended, at the
-- server clock's time; seq orders them (newest first is seq descending). They go with their task
-- whichever way it goes (clean, retention, reset): the foreign key cascades.
CREATE TABLE job_logs (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  job_id TEXT COLLATE "C" NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  level TEXT NOT NULL,
  message TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX job_logs_by_job ON job_logs (job_id, seq);
-- A log entry of the feed carries its lines (JSON); the task is in job as for the other entries.
ALTER TABLE job_events ADD COLUMN logs TEXT;
-- What a producer recorded of a shard-configuration task; NULL: not recorded (the details show
-- the default). Kept apart from jobs, whose rows every listing reads.
CREATE TABLE migration_details (
  job_id TEXT COLLATE "C" PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
  original_shard_num INTEGER,
  after_shard_num INTEGER,
  original_dn_info_list TEXT,
  after_dn_info_list TEXT,
  node_id_for_migrate TEXT,
  is_exclusive INTEGER,
  updated_at BIGINT NOT NULL
);
`,
  },
  {
    version: 11,
    name: 'inventories and requests of shard changes',
    sql: `
-- Starting shard changes (docs/api.md, "Starting a shard change"). Each instance's inventory, as a
-- producer reported it or the emulator's declarations gave it: one JSON document (schemas, data
-- nodes, declared pre-check outcomes; the emulator's data-node passwords only as scrypt hashes).
CREATE TABLE shard_inventory (
  project_id TEXT COLLATE "C" NOT NULL,
  instance_id TEXT COLLATE "C" NOT NULL,
  document TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (project_id, instance_id)
);
-- Tenants' pre-checks and performs. body: the request (data-node users, never a password) and the
-- items answered at once; results: the items a worker answered later; sealed_accounts: the
-- data-node passwords sealed by the credential vault for a worker, NULL once handed out or dropped.
CREATE TABLE shard_requests (
  id TEXT COLLATE "C" PRIMARY KEY,
  kind TEXT NOT NULL,
  project_id TEXT COLLATE "C" NOT NULL,
  instance_id TEXT COLLATE "C" NOT NULL,
  database_name TEXT COLLATE "C" NOT NULL,
  created_at BIGINT NOT NULL,
  body TEXT NOT NULL,
  results TEXT,
  sealed_accounts BYTEA,
  answered_at BIGINT
);
CREATE INDEX shard_requests_by_instance ON shard_requests (project_id, instance_id, kind, created_at);
CREATE INDEX shard_requests_pending ON shard_requests (created_at) WHERE answered_at IS NULL AND kind = 'precheck';
`,
  },
  {
    version: 12,
    name: 'task counts by status and name, for the list filters',
    sql: `
-- Tasks per project per minute (level 0), hour (1) and day (2) of creation, per status and name,
-- kept by triggers as job_counts is: a filtered window's total and an offset's position are then
-- sums over these rows (listing/window-listing.ts), and the statistics' days are read from them.
-- Rows whose n fell to 0 stay until retention prunes them; readers sum n. Not spread over rows by
-- backend as job_status_counts is: like job_counts, a row is one project's minute, hour or day
-- (and here one status and name), so writers of different projects or times never share one;
-- each trigger takes its rows in key order, so two writers never wait on each other in a cycle.
-- name keeps jobs.name's collation, so that the two compare without naming one.
CREATE TABLE job_filter_counts (
  project_id TEXT COLLATE "C" NOT NULL,
  level INTEGER NOT NULL,
  bucket BIGINT NOT NULL,
  status TEXT COLLATE "C" NOT NULL,
  name TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (project_id, level, bucket, status, name)
);
INSERT INTO job_filter_counts (project_id, level, bucket, status, name, n)
SELECT project_id, l.level, created_at / l.size, status, name, count(*)::integer
  FROM jobs CROSS JOIN (VALUES (0, 60000), (1, 3600000), (2, 86400000)) AS l (level, size)
 GROUP BY 1, 2, 3, 4, 5;

CREATE FUNCTION jobs_filter_counted() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  INSERT INTO job_filter_counts AS c
    VALUES (NEW.project_id, 0, NEW.created_at / 60000, NEW.status, NEW.name, 1),
           (NEW.project_id, 1, NEW.created_at / 3600000, NEW.status, NEW.name, 1),
           (NEW.project_id, 2, NEW.created_at / 86400000, NEW.status, NEW.name, 1)
    ON CONFLICT (project_id, level, bucket, status, name) DO UPDATE SET n = c.n + 1;
  RETURN NULL;
END $$;
CREATE TRIGGER jobs_filter_counted AFTER INSERT ON jobs FOR EACH ROW EXECUTE FUNCTION jobs_filter_counted();

-- Writers never change a task's name; were one to, its counts would follow as a status change's do.
CREATE FUNCTION jobs_filter_recounted() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  INSERT INTO job_filter_counts AS c
    SELECT NEW.project_id, l.level, NEW.created_at / l.size, v.s, v.nm, v.d
      FROM (VALUES (OLD.status, OLD.name, -1), (NEW.status, NEW.name, 1)) AS v (s, nm, d)
      CROSS JOIN (VALUES (0, 60000), (1, 3600000), (2, 86400000)) AS l (level, size)
     ORDER BY 2, 3, 4, 5
    ON CONFLICT (project_id, level, bucket, status, name) DO UPDATE SET n = c.n + excluded.n;
  RETURN NULL;
END $$;
CREATE TRIGGER jobs_filter_recounted AFTER UPDATE OF status, name ON jobs FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.name IS DISTINCT FROM NEW.name)
  EXECUTE FUNCTION jobs_filter_recounted();

CREATE FUNCTION jobs_filter_uncounted() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  UPDATE job_filter_counts c SET n = c.n - d.n
    FROM (SELECT project_id, l.level, created_at / l.size AS bucket, status, name, count(*)::integer AS n
            FROM gone CROSS JOIN (VALUES (0, 60000), (1, 3600000), (2, 86400000)) AS l (level, size)
           GROUP BY 1, 2, 3, 4, 5) d
   WHERE c.project_id = d.project_id AND c.level = d.level AND c.bucket = d.bucket
     AND c.status = d.status AND c.name = d.name;
  RETURN NULL;
END $$;
CREATE TRIGGER jobs_filter_uncounted AFTER DELETE ON jobs REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION jobs_filter_uncounted();

-- A filtered page is read by ordered range reads of these, one per status (and name): rows that do
-- not match are never stepped over. A change of status now updates an indexed column, so it is no
-- longer a HOT update; progress reports, the most frequent change, still are.
CREATE INDEX jobs_by_status ON jobs (project_id, status, created_at, id);
CREATE INDEX jobs_by_name ON jobs (project_id, name, status, created_at, id);

-- The tasks of one status (and one name; NULL: any name) created in [p_from, p_to), from the
-- position (p_at, p_id) on (inclusive), newest first, at most p_take (NULL: all): one ordered
-- range read of the index by status, or by name, that steps over no other task.
CREATE FUNCTION filtered_rows(p_project text, p_status text, p_name text, p_from bigint, p_to bigint,
    p_at bigint, p_id text, p_take bigint)
  RETURNS SETOF jobs LANGUAGE plpgsql STABLE SET search_path FROM CURRENT AS $$
BEGIN
  IF p_name IS NULL THEN
    RETURN QUERY SELECT * FROM jobs j
      WHERE j.project_id = p_project AND j.status = p_status AND j.created_at >= p_from AND j.created_at < p_to
        AND (j.created_at, j.id) <= (p_at, p_id)
      ORDER BY j.created_at DESC, j.id DESC LIMIT p_take;
  ELSE
    RETURN QUERY SELECT * FROM jobs j
      WHERE j.project_id = p_project AND j.name = p_name AND j.status = p_status AND j.created_at >= p_from
        AND j.created_at < p_to AND (j.created_at, j.id) <= (p_at, p_id)
      ORDER BY j.created_at DESC, j.id DESC LIMIT p_take;
  END IF;
END $$;

-- list_window (migration 8) for the tasks of some statuses and names (postgres/job-filter-listing.ts):
-- the counts are sums of job_filter_counts' rows of those statuses (p_statuses; NULL: any) and
-- names (p_names; NULL: any), the rows are the merge of filtered_rows over the pairs
-- (p_pair_statuses[i], p_pair_names[i]) that make up the filter. The descent always goes down to
-- a minute: stepping over the matching rows of a larger segment would step over the others too.
CREATE FUNCTION list_filtered_window(p_project text, p_statuses text[], p_names text[],
    p_pair_statuses text[], p_pair_names text[], p_levels integer[], p_froms bigint[], p_tos bigint[],
    p_start bigint, p_end bigint, p_offset bigint, p_limit bigint)
  RETURNS TABLE (total bigint, id text, name text, status text, progress integer, fail_reason text,
    instance_id text, instance_name text, database_name text, created_at bigint, ended_at bigint,
    switch_begin bigint, switch_end bigint, retried_by text, version integer, updated_at bigint,
    listed_json text)
  LANGUAGE plpgsql STABLE SET search_path FROM CURRENT AS $$
#variable_conflict use_column
DECLARE
  sizes CONSTANT bigint[] := ARRAY[60000, 3600000, 86400000];
  counts bigint[];
  v_count bigint;
  v_total bigint;
  v_rank bigint := p_offset;
  v_level integer;
  v_from bigint;
  v_to bigint;
  v_bucket bigint;
  v_finer integer;
  v_ratio bigint;
  v_unit bigint;
  v_at bigint;
  v_id text COLLATE "C";
BEGIN
  counts := ARRAY(
    SELECT CASE WHEN s.lvl IS NULL
             THEN (SELECT count(*) FROM unnest(p_pair_statuses, p_pair_names) AS k (st, nm)
                     CROSS JOIN LATERAL filtered_rows(p_project, k.st, k.nm, s.lo, s.hi, s.hi, '', NULL) AS r)
             ELSE (SELECT coalesce(sum(c.n), 0) FROM job_filter_counts c
                    WHERE c.project_id = p_project AND c.level = s.lvl AND c.bucket >= s.lo AND c.bucket < s.hi
                      AND (p_statuses IS NULL OR c.status = ANY (p_statuses))
                      AND (p_names IS NULL OR c.name = ANY (p_names)))
           END
      FROM unnest(p_levels, p_froms, p_tos) WITH ORDINALITY AS s (lvl, lo, hi, i)
     ORDER BY s.i);
  v_total := 0;
  FOREACH v_count IN ARRAY counts LOOP
    v_total := v_total + v_count;
  END LOOP;

  IF p_offset >= v_total THEN
    total := v_total;
    RETURN NEXT;
    RETURN;
  END IF;

  IF p_offset = 0 THEN
    -- Past every task of the window: the page starts at its newest.
    v_at := p_end + 1;
    v_id := '';
  ELSE
    FOR i IN 1 .. array_length(p_levels, 1) LOOP
      IF v_rank < counts[i] THEN
        v_level := p_levels[i];
        v_from := p_froms[i];
        v_to := p_tos[i];
        EXIT;
      END IF;
      v_rank := v_rank - counts[i];
    END LOOP;

    WHILE v_level IS NOT NULL LOOP
      SELECT b.bucket, v_rank - (b.running - b.n) INTO v_bucket, v_rank
        FROM (SELECT g.bucket, g.n, sum(g.n) OVER (ORDER BY g.bucket DESC) AS running
                FROM (SELECT c.bucket, sum(c.n) AS n FROM job_filter_counts c
                       WHERE c.project_id = p_project AND c.level = v_level AND c.bucket >= v_from AND c.bucket < v_to
                         AND (p_statuses IS NULL OR c.status = ANY (p_statuses))
                         AND (p_names IS NULL OR c.name = ANY (p_names))
                       GROUP BY c.bucket HAVING sum(c.n) > 0) g) b
       WHERE b.running > v_rank
       ORDER BY b.bucket DESC LIMIT 1;
      IF NOT FOUND THEN
        RAISE EXCEPTION 'job_filter_counts disagree with jobs';
      END IF;
      v_finer := CASE WHEN v_level = 0 THEN NULL ELSE v_level - 1 END;
      v_ratio := sizes[v_level + 1] / coalesce(sizes[v_finer + 1], 1);
      v_from := v_bucket * v_ratio;
      v_to := v_from + v_ratio;
      v_level := v_finer;
    END LOOP;

    -- A segment counted row by row (its bounds are epoch ms): the row at the rank in it.
    SELECT r.created_at, r.id INTO v_at, v_id
      FROM unnest(p_pair_statuses, p_pair_names) AS k (st, nm)
      CROSS JOIN LATERAL filtered_rows(p_project, k.st, k.nm, v_from, v_to, v_to, '', v_rank + 1) AS r
     ORDER BY r.created_at DESC, r.id COLLATE "C" DESC LIMIT 1 OFFSET v_rank;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'job_filter_counts disagree with jobs';
    END IF;
  END IF;

  -- The page, from that position on (the first page: from the window's end).
  RETURN QUERY
    SELECT v_total, r.id, r.name, r.status, r.progress, r.fail_reason, r.instance_id, r.instance_name,
           r.database_name, r.created_at, r.ended_at, r.switch_begin, r.switch_end, r.retried_by, r.version,
           r.updated_at, r.listed_json
      FROM unnest(p_pair_statuses, p_pair_names) AS k (st, nm)
      CROSS JOIN LATERAL filtered_rows(p_project, k.st, k.nm, p_start, least(v_at + 1, p_end + 1), v_at, v_id, p_limit) AS r
     ORDER BY r.created_at DESC, r.id COLLATE "C" DESC LIMIT p_limit;
END $$;
`,
  },
];
