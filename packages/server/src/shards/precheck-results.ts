import { PRECHECK_ITEM_KEYS, PRECHECK_ITEMS, type PreCheckResult } from '@ddm-jobs/contract';
import type { InstanceInventory } from '../store/shard-records.js';

/**
 * The items of one phase of a pre-check as the inventory declares them: SUCCESS unless declared
 * FAILED or WARN (with the declared texts), in the catalogue's order (contract precheck-items.ts).
 */
export function preCheckItems(
  phase: 'sync' | 'async',
  declared: InstanceInventory['precheck'],
): PreCheckResult[] {
  return PRECHECK_ITEM_KEYS.filter((key) => PRECHECK_ITEMS[key].phase === phase).map((key) => {
    const item = PRECHECK_ITEMS[key];
    const outcome = declared[key];
    return {
      name: item.name,
      status: outcome?.status ?? 'SUCCESS',
      note: outcome?.note ?? '',
      handling_suggestion: outcome?.handling_suggestion ?? item.handling_suggestion,
      error_message: outcome?.error_message ?? '',
      error_detail_message: outcome?.error_detail_message ?? '',
    };
  });
}

/** Whether a pre-check's answered items let a perform go on: none FAILED (WARN passes). */
export const hasPassed = (...lists: PreCheckResult[][]): boolean =>
  lists.every((list) => list.every((item) => item.status !== 'FAILED'));

/** A worker's answer with the optional texts filled in. */
export function reportedItems(
  items: {
    name: string;
    status: PreCheckResult['status'];
    note?: string;
    handling_suggestion?: string;
    error_message?: string;
    error_detail_message?: string;
  }[],
): PreCheckResult[] {
  return items.map((item) => ({
    name: item.name,
    status: item.status,
    note: item.note ?? '',
    handling_suggestion: item.handling_suggestion ?? '',
    error_message: item.error_message ?? '',
    error_detail_message: item.error_detail_message ?? '',
  }));
}
