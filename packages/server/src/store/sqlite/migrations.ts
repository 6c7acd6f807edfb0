/**
 * Numbered migrations, applied in order at start, each in its own transaction. Append only:
 * a migration that has shipped is never edited.
 */
export const MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'identity and tasks',
    sql: `
CREATE TABLE domains (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL
);
CREATE TABLE projects (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  domain_id TEXT NOT NULL REFERENCES domains(id),
  created_at INTEGER NOT NULL,
  UNIQUE (domain_id, name)
);
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  domain_id TEXT NOT NULL REFERENCES domains(id),
  password_hash TEXT NOT NULL,
  -- Tokens carry the epoch they were issued at: raising it (password change, disable) kills them.
  token_epoch INTEGER NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  UNIQUE (domain_id, name)
);
CREATE TABLE role_assignments (
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  role TEXT NOT NULL,
  PRIMARY KEY (user_id, project_id, role)
) WITHOUT ROWID;
CREATE TABLE shared_secrets (
  name TEXT PRIMARY KEY,
  value BLOB NOT NULL
);

-- Clustered by (project, creation time, id): a page of a project's window is one range read.
CREATE TABLE jobs (
  project_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  progress INTEGER NOT NULL,
  fail_reason TEXT NOT NULL,
  instance_id TEXT NOT NULL,
  instance_name TEXT NOT NULL,
  database_name TEXT NOT NULL,
  ended_at INTEGER,
  switch_begin INTEGER,
  switch_end INTEGER,
  version INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  create_digest TEXT NOT NULL,
  -- The task as the list shows it (UTC times), rendered by the writer: a page is then read as
  -- ten strings and sent without re-serialising.
  listed_json TEXT NOT NULL,
  PRIMARY KEY (project_id, created_at, id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX jobs_by_id ON jobs (id);

-- Tasks per project per minute (level 0), hour (1) and day (2) of creation, kept by triggers,
-- so that a window's total and an offset's position are found without scanning the window.
CREATE TABLE job_counts (
  project_id TEXT NOT NULL,
  level INTEGER NOT NULL,
  bucket INTEGER NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (project_id, level, bucket)
) WITHOUT ROWID;

CREATE TABLE job_status_counts (
  status TEXT PRIMARY KEY,
  n INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TRIGGER jobs_counted AFTER INSERT ON jobs BEGIN
  INSERT INTO job_counts VALUES (NEW.project_id, 0, NEW.created_at / 60000, 1),
                                (NEW.project_id, 1, NEW.created_at / 3600000, 1),
                                (NEW.project_id, 2, NEW.created_at / 86400000, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
  INSERT INTO job_status_counts VALUES (NEW.status, 1) ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER jobs_uncounted AFTER DELETE ON jobs BEGIN
  UPDATE job_counts SET n = n - 1 WHERE project_id = OLD.project_id AND (
    (level = 0 AND bucket = OLD.created_at / 60000) OR
    (level = 1 AND bucket = OLD.created_at / 3600000) OR
    (level = 2 AND bucket = OLD.created_at / 86400000));
  UPDATE job_status_counts SET n = n - 1 WHERE status = OLD.status;
END;
CREATE TRIGGER jobs_status_recounted AFTER UPDATE OF status ON jobs WHEN OLD.status <> NEW.status BEGIN
  UPDATE job_status_counts SET n = n - 1 WHERE status = OLD.status;
  INSERT INTO job_status_counts VALUES (NEW.status, 1) ON CONFLICT DO UPDATE SET n = n + 1;
END;
`,
  },
  {
    version: 2,
    name: 'access keys',
    sql: `
-- The secret key is sealed (AES-256-GCM) with a key kept outside the database: see credential-vault.ts.
CREATE TABLE credentials (
  access_key TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  sealed_secret BLOB NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  -- Set when too many failed signatures lock the key; in the database so that every node sees it.
  locked_until INTEGER
);
CREATE INDEX credentials_by_user ON credentials (user_id, created_at);
CREATE TABLE credential_failures (
  access_key TEXT NOT NULL REFERENCES credentials(access_key) ON DELETE CASCADE,
  failed_at INTEGER NOT NULL
);
CREATE INDEX credential_failures_by_key ON credential_failures (access_key, failed_at);
`,
  },
  {
    version: 3,
    name: 'task lifecycle: retries, removals, change feed, simulations',
    sql: `
ALTER TABLE jobs ADD COLUMN retried_by TEXT;

-- The change feed: one row per task creation, change or removal, written in the same transaction.
-- AUTOINCREMENT: a cursor is never reused, even after the newest entries are deleted by a reset.
CREATE TABLE job_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id TEXT NOT NULL,
  type TEXT NOT NULL,
  at INTEGER NOT NULL,
  job TEXT
);
CREATE INDEX job_events_by_project ON job_events (project_id, seq);

-- Cleaned tasks: gone from every listing, kept for audit.
CREATE TABLE removed_jobs (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL,
  removed_at INTEGER NOT NULL,
  removed_by TEXT NOT NULL,
  job TEXT NOT NULL
);

-- The tasks the simulator produces, with their plan and the step they are in.
CREATE TABLE simulations (
  job_id TEXT PRIMARY KEY,
  plan TEXT NOT NULL,
  step INTEGER NOT NULL,
  step_started_at INTEGER NOT NULL
);
`,
  },
  // Version 4 is PostgreSQL's feed notifications: SQLite's waiters poll, so it has none.
  {
    version: 5,
    name: 'feed entries by task, for the status history',
    sql: `
-- The task an entry tells of (NULL for a reset), so a task's history is one index range read.
ALTER TABLE job_events ADD COLUMN job_id TEXT;
UPDATE job_events SET job_id = json_extract(job, '$.id') WHERE job IS NOT NULL;
CREATE INDEX job_events_by_job ON job_events (job_id, seq);
`,
  },
  {
    version: 6,
    name: 'status history in a table of its own',
    sql: `
-- The statuses each task went through, one row per run of one status, written in the same
-- transaction as the change (the history route reads them): the feed's entries can then be kept
-- for days only, while a task's history lasts as long as the task. at: when the status began.
CREATE TABLE job_statuses (
  job_id TEXT NOT NULL,
  n INTEGER NOT NULL,
  project_id TEXT NOT NULL,
  status TEXT NOT NULL,
  at INTEGER NOT NULL,
  progress INTEGER NOT NULL,
  PRIMARY KEY (job_id, n)
) WITHOUT ROWID;
-- From the feed, as the history was read before: each task's entries since its last creation
-- (unless it was removed since), the first of each run of one status.
INSERT INTO job_statuses (job_id, n, project_id, status, at, progress)
SELECT job_id, row_number() OVER (PARTITION BY job_id ORDER BY seq), project_id, status,
  CASE WHEN ended_at IS NOT NULL THEN ended_at WHEN type = 'created' THEN created_at ELSE at END, progress
FROM (
  SELECT e.seq, e.job_id, e.project_id, e.type, e.at,
    json_extract(e.job, '$.status') AS status, json_extract(e.job, '$.progress') AS progress,
    json_extract(e.job, '$.createdAt') AS created_at, json_extract(e.job, '$.endedAt') AS ended_at,
    lag(json_extract(e.job, '$.status')) OVER (PARTITION BY e.job_id ORDER BY e.seq) AS previous
  FROM job_events e
  JOIN (SELECT job_id, max(seq) AS since FROM job_events WHERE type = 'created' GROUP BY job_id) c
    ON c.job_id = e.job_id AND e.seq >= c.since
  WHERE e.type IN ('created', 'changed')
    AND NOT EXISTS (SELECT 1 FROM job_events r WHERE r.job_id = e.job_id AND r.type = 'removed' AND r.seq > c.since)
)
WHERE previous IS NULL OR previous <> status;
-- The history no longer reads the feed by task: one index fewer for every entry written.
DROP INDEX job_events_by_job;
`,
  },
  {
    version: 9,
    name: 'daily switch windows',
    sql: `
-- Switch windows are daily HH:mm:ss times now, kept as seconds of the day in the same columns.
-- A window stored as two instants (epoch ms) keeps the times of day of those instants in UTC:
-- stored data has no zone of its own. One the tenant's rule would refuse (crossing midnight,
-- shorter than an hour) is kept as it is: producers' records need not meet that rule.
UPDATE jobs SET switch_begin = (switch_begin / 1000) % 86400, switch_end = (switch_end / 1000) % 86400
WHERE switch_begin IS NOT NULL OR switch_end IS NOT NULL;
-- The same in the tasks the feed, the cleaned tasks' audit records and the simulator's plans hold.
UPDATE job_events SET job = json_set(job,
  '$.switchBegin', (json_extract(job, '$.switchBegin') / 1000) % 86400,
  '$.switchEnd', (json_extract(job, '$.switchEnd') / 1000) % 86400)
WHERE json_extract(job, '$.switchBegin') IS NOT NULL AND json_extract(job, '$.switchEnd') IS NOT NULL;
UPDATE removed_jobs SET job = json_set(job,
  '$.switchBegin', (json_extract(job, '$.switchBegin') / 1000) % 86400,
  '$.switchEnd', (json_extract(job, '$.switchEnd') / 1000) % 86400)
WHERE json_extract(job, '$.switchBegin') IS NOT NULL AND json_extract(job, '$.switchEnd') IS NOT NULL;
UPDATE simulations SET plan = json_set(plan,
  '$.window.begin', (json_extract(plan, '$.window.begin') / 1000) % 86400,
  '$.window.end', (json_extract(plan, '$.window.end') / 1000) % 86400)
WHERE json_extract(plan, '$.window.begin') IS NOT NULL AND json_extract(plan, '$.window.end') IS NOT NULL;
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
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  level TEXT NOT NULL,
  message TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX job_logs_by_job ON job_logs (job_id, seq);
-- A log entry of the feed carries its lines (JSON); the task is in job as for the other entries.
ALTER TABLE job_events ADD COLUMN logs TEXT;
-- What a producer recorded of a shard-configuration task; NULL: not recorded (the details show
-- the default). Kept apart from jobs, whose rows every listing reads.
CREATE TABLE migration_details (
  job_id TEXT PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
  original_shard_num INTEGER,
  after_shard_num INTEGER,
  original_dn_info_list TEXT,
  after_dn_info_list TEXT,
  node_id_for_migrate TEXT,
  is_exclusive INTEGER,
  updated_at INTEGER NOT NULL
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
  project_id TEXT NOT NULL,
  instance_id TEXT NOT NULL,
  document TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (project_id, instance_id)
) WITHOUT ROWID;
-- Tenants' pre-checks and performs. body: the request (data-node users, never a password) and the
-- items answered at once; results: the items a worker answered later; sealed_accounts: the
-- data-node passwords sealed by the credential vault for a worker, NULL once handed out or dropped.
CREATE TABLE shard_requests (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  project_id TEXT NOT NULL,
  instance_id TEXT NOT NULL,
  database_name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  body TEXT NOT NULL,
  results TEXT,
  sealed_accounts BLOB,
  answered_at INTEGER
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
-- Rows whose n fell to 0 stay until retention prunes them; readers sum n.
CREATE TABLE job_filter_counts (
  project_id TEXT NOT NULL,
  level INTEGER NOT NULL,
  bucket INTEGER NOT NULL,
  status TEXT NOT NULL,
  name TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (project_id, level, bucket, status, name)
) WITHOUT ROWID;
INSERT INTO job_filter_counts (project_id, level, bucket, status, name, n)
SELECT project_id, l.level, created_at / l.size, status, name, count(*)
  FROM jobs CROSS JOIN (SELECT 0 AS level, 60000 AS size UNION ALL SELECT 1, 3600000 UNION ALL SELECT 2, 86400000) AS l
 GROUP BY 1, 2, 3, 4, 5;
CREATE TRIGGER jobs_filter_counted AFTER INSERT ON jobs BEGIN
  INSERT INTO job_filter_counts VALUES (NEW.project_id, 0, NEW.created_at / 60000, NEW.status, NEW.name, 1),
                                       (NEW.project_id, 1, NEW.created_at / 3600000, NEW.status, NEW.name, 1),
                                       (NEW.project_id, 2, NEW.created_at / 86400000, NEW.status, NEW.name, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER jobs_filter_uncounted AFTER DELETE ON jobs BEGIN
  UPDATE job_filter_counts SET n = n - 1
   WHERE project_id = OLD.project_id AND status = OLD.status AND name = OLD.name AND (
    (level = 0 AND bucket = OLD.created_at / 60000) OR
    (level = 1 AND bucket = OLD.created_at / 3600000) OR
    (level = 2 AND bucket = OLD.created_at / 86400000));
END;
-- Writers never change a task's name; were one to, its counts would follow as a status change's do.
CREATE TRIGGER jobs_filter_recounted AFTER UPDATE OF status, name ON jobs
  WHEN OLD.status <> NEW.status OR OLD.name <> NEW.name BEGIN
  UPDATE job_filter_counts SET n = n - 1
   WHERE project_id = OLD.project_id AND status = OLD.status AND name = OLD.name AND (
    (level = 0 AND bucket = OLD.created_at / 60000) OR
    (level = 1 AND bucket = OLD.created_at / 3600000) OR
    (level = 2 AND bucket = OLD.created_at / 86400000));
  INSERT INTO job_filter_counts VALUES (NEW.project_id, 0, NEW.created_at / 60000, NEW.status, NEW.name, 1),
                                       (NEW.project_id, 1, NEW.created_at / 3600000, NEW.status, NEW.name, 1),
                                       (NEW.project_id, 2, NEW.created_at / 86400000, NEW.status, NEW.name, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;
-- A filtered page is read by ordered range reads of these, one per status (and name): rows that do
-- not match are never stepped over.
CREATE INDEX jobs_by_status ON jobs (project_id, status, created_at, id);
CREATE INDEX jobs_by_name ON jobs (project_id, name, status, created_at, id);
`,
  },
];
