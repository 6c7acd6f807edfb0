import type { ServiceApi } from './service-api.js';

/**
 * A fault rule, as `POST /internal/v1/faults` takes it (docs/api.md, "Faults"): which calls it
 * matches, when it fires, and what it does instead of (or before) the real answer.
 */
export interface FaultRule {
  match: {
    /** The SDK's and the cloud's operation names: ListTasks, ShowDdmJobResult, CancelMigration, ... */
    operation?: string;
    method?: string;
    path?: string;
    project_id?: string;
  };
  /** Always when left out; the next `times` matching calls; or with a seeded probability. */
  fire?: { times?: number; probability?: number; seed?: number };
  effect:
    | { type: 'error'; status: number; error_code: string; error_msg?: string; retry_after?: number }
    | { type: 'latency'; ms?: number; min_ms?: number; max_ms?: number }
    | { type: 'drop' }
    | { type: 'truncate'; bytes?: number };
}

/** A fault in force: the rule as the emulator keeps it (`id`, `fired`, ...), and its removal. */
export interface Fault {
  id: string;
  /** The rule as the emulator answered it when it was added. */
  rule: Record<string, unknown>;
  /** How many times it has fired so far. */
  fired(): Promise<number>;
  /** Takes it away; later calls are answered normally. */
  remove(): Promise<void>;
}

type Kept = Record<string, unknown> & { id: string; fired?: number };

export async function addFault(api: ServiceApi, rule: FaultRule): Promise<Fault> {
  const { fault } = await api.call<{ fault: Kept }>('POST', '/internal/v1/faults', rule, [201]);
  const path = `/internal/v1/faults/${encodeURIComponent(fault.id)}`;
  return {
    id: fault.id,
    rule: fault,
    async fired() {
      const { faults } = await api.call<{ faults: Kept[] }>('GET', '/internal/v1/faults');
      return faults.find((kept) => kept.id === fault.id)?.fired ?? 0;
    },
    async remove() {
      await api.call('DELETE', path, undefined, [204]);
    },
  };
}
