/**
 * The part of the contract a client needs at run time: constants and pure functions with no
 * runtime imports (no schema compiler), so the SDK can bundle them and stay dependency-free in
 * Node and in browsers. The wire types come along as types only.
 */
export * from './action-rules.js';
export * from './daily-time.js';
export * from './errors.js';
export * from './job-views.js';
export * from './list-query.js';
export * from './operations.js';
export * from './run-logs.js';
export type { ActionJobResponse, SwitchStrategyBody } from './schemas/actions.js';
export type { EventsResponse, FeedEvent, TenantStreamEvent } from './schemas/events.js';
export type { JobHistoryEntry, JobHistoryResponse } from './schemas/history.js';
export type { JobStatisticsDay, JobStatisticsResponse } from './schemas/job-statistics.js';
export type { JobDetail, JobItem, ListJobsResponse, ShowJobResponse } from './schemas/jobs.js';
export type { TokenBody, TokenRequest } from './schemas/keystone.js';
export type { DnInfo, MigrateResults } from './schemas/migration-details.js';
export type { PolicyResponse } from './schemas/policy.js';
export type { AppendLogsResponse, RunLogItem, RunLogsResponse } from './schemas/run-logs.js';
export type {
  AvailableDataNodesResponse,
  DataNode,
  PerformResponse,
  PreCheckResponse,
  PreCheckResult,
} from './schemas/shards.js';
export * from './statistics-query.js';
export * from './statuses.js';
export * from './task-noun.js';
export * from './time-format.js';
export * from './zone-days.js';
