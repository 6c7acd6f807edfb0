/**
 * `@ddm-jobs/client`: the DDM task API (ddm-jobs, Open Telekom Cloud and Huawei Cloud DDM) for
 * Node 20+ and browsers, with no runtime dependency.
 */
export type {
  AvailableDataNodesResponse,
  DataNode,
  DnInfo,
  JobDetail,
  JobHistoryEntry,
  JobItem,
  JobStatisticsDay,
  JobStatisticsResponse,
  JobStatus,
  ListJobsResponse,
  LogLevel,
  MigrateResults,
  Operation,
  PerformResponse,
  PreCheckResponse,
  PreCheckResult,
  RunLogItem,
  RunLogsResponse,
  TenantStreamEvent,
} from '@ddm-jobs/contract/wire';
export { EXECUTING_STATUSES, FINISHED_STATUSES, JOB_STATUSES, LIST_LIMIT_MAX } from '@ddm-jobs/contract/wire';
export {
  type AccessKeyPair,
  canonicalHeaders,
  canonicalPath,
  canonicalQuery,
  canonicalRequest,
  hmacSha256Hex,
  type SignableRequest,
  type Signature,
  sdkDate,
  sdkEscape,
  sha256Hex,
  signRequest,
  stringToSign,
} from './auth/aksk-signer.js';
export type { Auth, PasswordAuth } from './auth/types.js';
export { DdmClient, type JobsRange, type LoggedTask, type MigrationTask } from './client.js';
export type { DdmClientOptions } from './config.js';
export {
  ConfigurationError,
  DdmApiError,
  isConfigurationError,
  isDdmApiError,
  isNetworkError,
  isStreamEndedError,
  isTimeoutError,
  NetworkError,
  StreamEndedError,
  TimeoutError,
} from './errors.js';
export type { CountFilters, JobFilters } from './job-filters.js';
export { backoffDelay, parseRetryAfter, retryDelay } from './retry.js';
export type { DataNodeAccount, ShardChangeInput, ShardSchema } from './shard-changes.js';
export type { StreamedEvent, StreamJobsOptions } from './tenant-stream.js';
export type { DailySwitchWindow, TimeInput } from './times.js';
export type { CallOptions } from './transport.js';
export type { WaitOptions } from './wait.js';
