/**
 * Checking what a tenant sends to start a shard change (docs/api.md, "Starting a shard change"):
 * the query of the available data nodes and the body of a pre-check or a perform. The rules that
 * need the instance's inventory are the server's (packages/server/src/shards).
 */
import type { ErrorName } from './errors.js';
import { inputExcerpt } from './input-excerpt.js';
import { type DataNodeAccount, type ShardChangeBody, ShardChangeBodySchema } from './schemas/shards.js';
import { createValidator } from './validate.js';

/** A shard change as asked for, its values checked but not yet against the instance. */
export interface ShardChangeRequest {
  newShardNumber: number;
  dataNodes: DataNodeAccount[];
  /** The window as sent ("" when absent): the switch-window parser checks it. */
  switchBegin: string;
  switchEnd: string;
  isExclusive: boolean;
}

export type ShardParseResult<T> =
  | { ok: true; value: T }
  | {
      ok: false;
      error: Extract<ErrorName, 'parameter' | 'invalidParameter' | 'dataNodeLogin'>;
      detail: string;
    };

const validateBody = createValidator<ShardChangeBody>(ShardChangeBodySchema);
/** A whole number of shards as the cloud's models send it: decimal digits, no sign or fraction. */
const SHARD_NUMBER = /^[0-9]{1,3}$/;

/**
 * Parses a pre-check's or a perform's body. Its shape (a missing field, a wrong JSON type, an
 * unknown field) is DBS.280001; a value of the right type that cannot be one (a shard number that
 * is no whole number from 1, a data node named twice) is DBS.300375; an empty user or password is
 * DBS.300357 (the credentials must be present). Never repeats a password.
 *
 * @example parseShardChangeBody({ new_shard_number: '9', data_nodes: [{ id: 'a1in01', user: 'root', password: 'p' }] })
 */
export function parseShardChangeBody(body: unknown): ShardParseResult<ShardChangeRequest> {
  const checked = validateBody(body ?? null);
  if (!checked.ok) return { ok: false, error: 'parameter', detail: checked.detail };
  const value = checked.value;
  const raw = value.new_shard_number;
  const text = typeof raw === 'number' ? String(raw) : raw;
  const newShardNumber = SHARD_NUMBER.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(newShardNumber) || newShardNumber < 1)
    return {
      ok: false,
      error: 'invalidParameter',
      detail: 'new_shard_number must be a whole number of shards from 1.',
    };
  const seen = new Set<string>();
  for (const [i, node] of value.data_nodes.entries()) {
    if (seen.has(node.id))
      return {
        ok: false,
        error: 'invalidParameter',
        detail: `data_nodes[${i}].id ${inputExcerpt(node.id)} is named twice.`,
      };
    seen.add(node.id);
    if (node.user === '' || node.password === '')
      return {
        ok: false,
        error: 'dataNodeLogin',
        detail: `data_nodes[${i}] needs a user and a password.`,
      };
  }
  return {
    ok: true,
    value: {
      newShardNumber,
      dataNodes: value.data_nodes,
      switchBegin: value.switch_route_begin_time ?? '',
      switchEnd: value.switch_route_end_time ?? '',
      isExclusive: value.is_exclusive ?? false,
    },
  };
}
