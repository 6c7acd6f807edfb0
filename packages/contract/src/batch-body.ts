/** The outer shape of a producers' batch; each item is checked on its own by the server. */
import { inputExcerpt } from './input-excerpt.js';
import type { ParseResult } from './list-query.js';
import { BATCH_MAX_ITEMS } from './schemas/internal.js';

export interface BatchItems {
  create: unknown[];
  update: unknown[];
}

/**
 * Checks what a batch's items come in: a JSON object with at most the lists `create` and
 * `update`, each absent or an array, BATCH_MAX_ITEMS items at most together. A bad item does not
 * make the batch bad: it gets its own error in the answer.
 *
 * @example parseBatchBody({ update: [{ id, progress: 40 }] }) // { ok: true, value: { create: [], update: [...] } }
 */
export function parseBatchBody(body: unknown): ParseResult<BatchItems> {
  const fail = (detail: string) => ({ ok: false as const, detail });
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return fail('The body must be a JSON object.');
  const fields = body as Record<string, unknown>;
  const unknown = Object.keys(fields).find((key) => key !== 'create' && key !== 'update');
  if (unknown !== undefined) return fail(`${inputExcerpt(unknown)} is not a known field.`);
  const list = (name: 'create' | 'update'): unknown[] | string => {
    const value = fields[name];
    if (value === undefined) return [];
    return Array.isArray(value) ? value : `${name} must be an array.`;
  };
  const create = list('create');
  if (typeof create === 'string') return fail(create);
  const update = list('update');
  if (typeof update === 'string') return fail(update);
  if (create.length + update.length > BATCH_MAX_ITEMS)
    return fail(`create and update must hold at most ${BATCH_MAX_ITEMS} items together.`);
  return { ok: true, value: { create, update } };
}
