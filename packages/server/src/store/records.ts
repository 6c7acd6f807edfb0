import type { DnInfo, JobStatus, LogLevel, TaskState } from '@ddm-jobs/contract/wire';
import type { ShardRequestView } from './shard-records.js';

/**
 * The records the store keeps and hands out: tasks and their change feed, identities, access
 * keys. Every layer above the store reads and writes these; none of them knows the database.
 */

/** A task as stored: its state (times in epoch milliseconds), its project and its version. */
export interface JobRow extends TaskState {
  projectId: string;
  /** Increased by every change: writers compare and set on it. */
  version: number;
  updatedAt: number;
}

export interface NewJob extends Omit<JobRow, 'version' | 'updatedAt' | 'retriedBy'> {
  /** A digest of the producer's create request, so that a replay can be told from a clash. */
  createDigest: string;
}

/** A task as a batch reads it: as stored, with the digest of the request that created it. */
export interface StoredJob {
  job: JobRow;
  createDigest: string;
}

/** One write a batch decided on: a task to create, or a task's next state (its version + 1). */
export type BatchWrite = { kind: 'create'; job: NewJob } | { kind: 'change'; before: JobRow; after: JobRow };

/** What a batch does, decided on the tasks it names as they are inside its transaction. */
export type BatchDecision<T> = (found: ReadonlyMap<string, StoredJob>) => { writes: BatchWrite[]; result: T };

export type RecordOutcome =
  | { outcome: 'created'; job: JobRow }
  | { outcome: 'replayed'; job: JobRow }
  | { outcome: 'conflict'; job: JobRow };

/** The fields a producer's report or a tenant's action may change; those left out keep their value. */
export type JobChange = Partial<
  Pick<JobRow, 'status' | 'progress' | 'failReason' | 'endedAt' | 'switchBegin' | 'switchEnd'>
>;

/**
 * What the change feed tells: a task created, changed or removed, every task removed by a reset,
 * or lines appended to a task's run log.
 */
export type JobEventType = 'created' | 'changed' | 'removed' | 'reset' | 'log' | 'requested';

/**
 * One entry of the change feed, written in the same transaction as the change it tells, so the
 * feed never misses nor invents one. Cursors increase in commit order and are never reused.
 */
export interface JobEvent {
  cursor: number;
  type: JobEventType;
  at: number;
  /** The task after the change (as it was when removed, or when log lines were written); null for a reset. */
  job: JobRow | null;
  /** For a `log` entry: the lines appended, in the order sent. */
  logs?: RunLogLine[];
  /** For a `requested` entry (workers' only): the shard-change request a tenant made. */
  request?: ShardRequestView;
}

/** One line of a task's run log: its level and message, and when it was written (server clock). */
export interface RunLogLine {
  level: LogLevel;
  message: string;
  at: number;
}

/** A page of a task's run log, newest first, with the count of all its lines. */
export interface RunLogPage {
  total: number;
  lines: RunLogLine[];
}

/**
 * What a producer recorded of a shard-configuration task (docs/api.md, "Shard-configuration task
 * details"); null or absent: not recorded.
 */
export interface MigrationDetails {
  originalShardNum: number | null;
  afterShardNum: number | null;
  originalDataNodes: DnInfo[] | null;
  afterDataNodes: DnInfo[] | null;
  migratingNodeId: string | null;
  exclusive: boolean | null;
}

/** A status a task entered: since when (its end time if finished, its creation time if first), at what progress. */
export interface JobStatusChange {
  status: JobStatus;
  at: number;
  progress: number;
}

/** A cleaned task: gone from every listing, kept for audit. */
export interface RemovedJob {
  job: JobRow;
  removedAt: number;
  /** Who cleaned it (a user id). */
  removedBy: string;
}

/** The simulator's record of a task it produces: its plan and how far along it is. */
export interface Simulation {
  jobId: string;
  /** The plan as JSON text; only the simulator reads it. */
  plan: string;
  /** Index of the plan's step the task is in. */
  step: number;
  /** When that step began (clock milliseconds). */
  stepStartedAt: number;
}

/** What retention removes: tasks (and cleaned tasks' audit records) and feed entries, before these. */
export interface PurgeCutoffs {
  tasks: number;
  feed: number;
}

/** What one retention pass removed. */
export interface PurgeResult {
  /** Tasks created before the cutoff, removed (each told by the feed as `removed`). */
  jobs: number;
  /** Feed entries and cleaned-task audit records from before their cutoffs. */
  records: number;
}

export interface Domain {
  id: string;
  name: string;
}

export interface Project {
  id: string;
  name: string;
  domainId: string;
}

export interface User {
  id: string;
  name: string;
  domainId: string;
  passwordHash: string;
  /**
   * Tokens carry the epoch they were issued at. It starts at a random value (a user deleted and
   * declared again with the same id does not revive old tokens) and increases when the password
   * changes or the user is disabled, which kills every token issued before.
   */
  tokenEpoch: number;
  enabled: boolean;
}

/** A user to create: the store chooses the token epoch. */
export type NewUser = Omit<User, 'tokenEpoch'>;

/** What a token check needs to know of its user, in one read. */
export interface TokenSubject {
  enabled: boolean;
  tokenEpoch: number;
  roles: string[];
}

export type NameOrId = { id: string } | { name: string; domainId: string };

/** One role of one user on one project. */
export interface RoleAssignment {
  userId: string;
  projectId: string;
  role: string;
}

/** An access-key pair of a user; the secret key only as sealed by the credential vault. */
export interface Credential {
  accessKey: string;
  userId: string;
  sealedSecret: Buffer;
  enabled: boolean;
  createdAt: number;
  /** Set while too many failed signatures lock the key: refused until then. */
  lockedUntil: number | null;
}

export type NewCredential = Omit<Credential, 'lockedUntil'>;

/** When failed signatures lock an access key. */
export interface LockoutPolicy {
  /** Failures counted within this span... */
  windowMs: number;
  /** ...beyond this many lock the key... */
  maxFailures: number;
  /** ...for this long. */
  lockMs: number;
}
