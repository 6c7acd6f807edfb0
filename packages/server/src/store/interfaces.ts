import type { CountFilter, DayWindow } from './listing/day-segments.js';
import type { ListingFilter } from './listing/job-filter.js';
import type {
  BatchDecision,
  Credential,
  Domain,
  JobChange,
  JobEvent,
  JobRow,
  JobStatusChange,
  LockoutPolicy,
  MigrationDetails,
  NameOrId,
  NewCredential,
  NewJob,
  NewUser,
  Project,
  PurgeCutoffs,
  PurgeResult,
  RecordOutcome,
  RemovedJob,
  RoleAssignment,
  RunLogLine,
  RunLogPage,
  Simulation,
  TokenSubject,
  User,
} from './records.js';
import type { ShardStore } from './shard-store.js';
import type { SnapshotStore } from './snapshot-tables.js';

/**
 * The store interface: everything the server keeps, the seam between the domain and the
 * databases. SQLite (`sqlite/`) and PostgreSQL (`postgres/`) fill it, so nothing outside `store/`
 * knows which database it talks to. Methods are async even where SQLite answers synchronously,
 * because a network database cannot.
 */
export interface Store
  extends JobStore,
    RunLogStore,
    MigrationDetailsStore,
    IdentityStore,
    CredentialStore,
    RetentionStore,
    ShardStore,
    SnapshotStore {
  /** A trivial query, for health checks. */
  ping(): Promise<void>;
  /**
   * Runs `work` while no other process on this database runs its own: nodes (or processes on one
   * SQLite folder) starting at once apply the declared identities and tasks one after the other,
   * each finding what the one before wrote. The work goes through this store as usual.
   */
  withStartupLock<T>(work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface JobPage {
  total: number;
  jobs: JobRow[];
}

/** A page as the list sends it: each task's JSON text with UTC times, rendered when it was written. */
export interface JobJsonPage {
  total: number;
  jobs: string[];
}

/** Tells when the feed may have grown, whichever node wrote (PostgreSQL's LISTEN/NOTIFY). */
export interface FeedNotifications {
  /** Calls `listener` after each commit that appended feed entries; returns the unsubscribe. */
  subscribe(listener: () => void): () => void;
}

export interface JobStore {
  /**
   * Present when the database tells of commits (PostgreSQL): the feed's waiters are woken by it
   * instead of polling. Absent on SQLite, whose waiters poll.
   */
  readonly feedNotifications?: FeedNotifications;
  /** Inserts a task, or tells that one with this id exists (with the same create request or not). */
  recordJob(job: NewJob, now: number): Promise<RecordOutcome>;
  getJob(id: string): Promise<JobRow | undefined>;
  /**
   * Applies a change only if the task is still at `expectedVersion` (compare and set); returns the
   * updated task, or undefined when another change came first.
   */
  updateJob(id: string, expectedVersion: number, change: JobChange, now: number): Promise<JobRow | undefined>;
  /**
   * The tasks of a project created in [startTime, endTime], newest first (ties by id, descending),
   * skipping `offset`; with the window's total. Neither grows linearly with the project's size.
   * With `filter`, only the tasks matching every filter given, and their total (listing/job-filter.ts);
   * throws FilterScanRefused when the checked filters would examine more tasks than they may.
   */
  listJobs(
    projectId: string,
    startTime: number,
    endTime: number,
    offset: number,
    limit: number,
    filter?: ListingFilter,
  ): Promise<JobPage>;
  /** The same page as `listJobs`, as the JSON text of each task (UTC times). */
  listJobsJson(
    projectId: string,
    startTime: number,
    endTime: number,
    offset: number,
    limit: number,
    filter?: ListingFilter,
  ): Promise<JobJsonPage>;
  countJobsByStatus(): Promise<Record<string, number>>;
  /**
   * For each of `days` (windows of creation times, as the list's), the project's tasks created in
   * it that match `filter`, by their status now (no zero counts): from the kept counts of
   * job_filter_counts and the rows of sub-minute edges, in one snapshot, never by reading tasks.
   */
  dailyStatusCounts(
    projectId: string,
    days: readonly DayWindow[],
    filter: CountFilter,
  ): Promise<Record<string, number>[]>;
  /**
   * Reads the tasks `ids` names (those that exist), hands them to `decide`, and commits every write
   * it chose in one transaction, in order, with their feed and history entries; answers what
   * `decide` answered. Nothing else writes those tasks meanwhile. A batch holds at most 1,000
   * writes.
   */
  writeBatch<T>(ids: string[], decide: BatchDecision<T>, now: number): Promise<T>;
  /**
   * Marks a failed task as retried and records its retry task, in one transaction; undefined when
   * the failed task is no longer at `expectedVersion`.
   */
  retryJob(
    id: string,
    expectedVersion: number,
    retry: NewJob,
    now: number,
  ): Promise<{ retried: JobRow; retry: JobRow } | undefined>;
  /** Removes a task from every listing, keeping an audit record; undefined when it changed meanwhile. */
  removeJob(id: string, expectedVersion: number, now: number, removedBy: string): Promise<JobRow | undefined>;
  findRemovedJob(id: string): Promise<RemovedJob | undefined>;
  /** Feed entries after a cursor, oldest first; of one project (and resets) when `projectId` is given. */
  eventsAfter(after: number, limit: number, projectId?: string): Promise<JobEvent[]>;
  /** The newest cursor (0 when the feed is empty), to follow only what comes next. */
  lastEventCursor(): Promise<number>;
  /** A task's statuses since its creation, oldest first, from the feed: one per run of one status. */
  jobHistory(projectId: string, jobId: string): Promise<JobStatusChange[]>;
  /**
   * Empties tasks, removed tasks, simulations and the feed (which then tells one `reset`), and
   * lifts access-key lockouts: the emulator's reset. Cursors keep increasing.
   */
  resetJobs(now: number): Promise<void>;
  /**
   * The emulator's reset of one project: its tasks, cleaned-task records, simulations, history,
   * run logs, details, shard-change requests and feed entries go, in one transaction; the feed
   * then tells one `reset` of that project (its stream reads it). Other projects are untouched.
   */
  purgeProject(projectId: string, now: number): Promise<void>;
  saveSimulation(simulation: Simulation): Promise<void>;
  listSimulations(): Promise<Simulation[]>;
  /** The simulations of the tasks named (those that have one), in no particular order. */
  findSimulations(jobIds: readonly string[]): Promise<Simulation[]>;
  deleteSimulation(jobId: string): Promise<void>;
}

/** Tasks' run logs; a task's lines go with it (clean, retention, reset). */
export interface RunLogStore {
  /**
   * Appends lines to a task's run log, all written `now`, and one `log` entry to the feed with
   * the task as it is then, in one transaction; undefined (nothing written) when the task no
   * longer exists.
   */
  appendRunLogs(jobId: string, lines: Omit<RunLogLine, 'at'>[], now: number): Promise<JobRow | undefined>;
  /** A page of a task's lines, newest first (the newest written last), skipping `offset`. */
  runLogs(jobId: string, offset: number, limit: number): Promise<RunLogPage>;
}

/** What producers recorded of shard-configuration tasks; a task's details go with it. */
export interface MigrationDetailsStore {
  /**
   * Sets the fields given (non-null) of a task's details, keeping the others; `ifAbsent`: only
   * when none are stored yet (a creation, also replayed). False when the task no longer exists.
   */
  saveMigrationDetails(
    jobId: string,
    details: Partial<MigrationDetails>,
    now: number,
    ifAbsent: boolean,
  ): Promise<boolean>;
  /** What was recorded; undefined when nothing. */
  migrationDetails(jobId: string): Promise<MigrationDetails | undefined>;
}

export interface RetentionStore {
  /**
   * Removes at most `batch` tasks created before `cutoffs.tasks` (oldest first), each with its
   * feed entry and its history, then at most `batch` audit records of cleaned tasks from before
   * that cutoff and `batch` feed entries written before `cutoffs.feed`, in short transactions so
   * that readers and writers barely wait. Call again while it removes anything.
   */
  purgeBefore(cutoffs: PurgeCutoffs, batch: number, now: number): Promise<PurgeResult>;
}

export interface IdentityStore {
  findDomain(ref: { id: string } | { name: string }): Promise<Domain | undefined>;
  createDomain(domain: Domain, now: number): Promise<void>;
  listDomains(): Promise<Domain[]>;
  findProject(ref: NameOrId): Promise<Project | undefined>;
  createProject(project: Project, now: number): Promise<void>;
  listProjects(): Promise<Project[]>;
  findUser(ref: NameOrId): Promise<User | undefined>;
  createUser(user: NewUser, now: number): Promise<void>;
  listUsers(): Promise<User[]>;
  setUserEnabled(id: string, enabled: boolean): Promise<void>;
  /** Replaces the password hash and increases the token epoch. */
  setUserPassword(id: string, passwordHash: string): Promise<void>;
  deleteUser(id: string): Promise<void>;
  grantRole(userId: string, projectId: string, role: string): Promise<void>;
  revokeRole(userId: string, projectId: string, role: string): Promise<void>;
  rolesOn(userId: string, projectId: string): Promise<string[]>;
  /** Every role assignment, or those of one user and/or one project; ordered by user, project, role. */
  listRoleAssignments(filter: { userId?: string; projectId?: string }): Promise<RoleAssignment[]>;
  /** The user's state and roles on the project; undefined when the user no longer exists. */
  tokenSubject(userId: string, projectId: string | null): Promise<TokenSubject | undefined>;
  countUsers(): Promise<number>;
  /** A secret shared by every node (e.g. the token key): read it, or store `fresh` if none yet. */
  sharedSecret(name: string, fresh: Buffer): Promise<Buffer>;
}

export interface CredentialStore {
  createCredential(credential: NewCredential): Promise<void>;
  /** Every credential, or one user's; ordered by user, then creation time. */
  listCredentials(filter: { userId?: string }): Promise<Credential[]>;
  findCredential(accessKey: string): Promise<Credential | undefined>;
  /** False when no such access key. */
  setCredentialEnabled(accessKey: string, enabled: boolean): Promise<boolean>;
  /** False when no such access key. */
  deleteCredential(accessKey: string): Promise<boolean>;
  /** Replaces every sealed secret with `reseal`'s answer, in one transaction; returns the count. */
  resealCredentials(reseal: (accessKey: string, sealed: Buffer) => Buffer): Promise<number>;
  /**
   * Counts a failed signature of an existing access key and locks the key when the policy says
   * so. Kept in the database, so every node sharing it sees the same count and lock.
   */
  recordSignatureFailure(accessKey: string, now: number, policy: LockoutPolicy): Promise<void>;
}
