import { randomInt } from 'node:crypto';
import {
  checkFaultRuleBody,
  ERRORS,
  type ErrorKind,
  type FaultEffect,
  type FaultMatch,
  type FaultRuleBody,
  type ParseResult,
} from '@ddm-jobs/contract';
import { isFaultableOperation } from './operations.js';

/**
 * The error answers a fault may give: every status and code of the cloud's two tables (DDM's
 * `DBS.*`, the gateway's `APIGW.*`; docs/api.md, "Errors"), with the table's message by default.
 * The first entry of a code and status wins (APIGW.0301's first message, say).
 */
export const FAULT_ERRORS: ReadonlyMap<string, ErrorKind> = (() => {
  const kinds = new Map<string, ErrorKind>();
  for (const kind of Object.values(ERRORS) as ErrorKind[]) {
    const key = `${kind.status} ${kind.code}`;
    if (/^(DBS|APIGW)\./.test(kind.code) && !kinds.has(key)) kinds.set(key, kind);
  }
  return kinds;
})();

const ERROR_EXAMPLES = '503 APIGW.0202, 429 APIGW.0308, 500 DBS.300002 or 404 DBS.300400';

/** A rule's body checked whole: its shape (the contract), then what the shape cannot say. */
export function checkFaultRule(value: unknown): ParseResult<FaultRuleBody> {
  const checked = checkFaultRuleBody(value);
  if (!checked.ok) return checked;
  const problem = matchProblem(checked.value.match) ?? effectProblem(checked.value.effect);
  return problem ? { ok: false, detail: problem } : checked;
}

function matchProblem(match: FaultMatch): string | undefined {
  if (match.operation !== undefined && !isFaultableOperation(match.operation))
    return (
      `match.operation names no operation faults can match: ${JSON.stringify(match.operation)} ` +
      '(the tenant API and the Keystone token routes, as GET /openapi.json names them, like ListTasks).'
    );
  if (match.operation !== undefined && (match.method !== undefined || match.path !== undefined))
    return 'match takes an operation, or a method and path, not both.';
  return undefined;
}

function effectProblem(effect: FaultEffect): string | undefined {
  if (effect.type === 'error' && !FAULT_ERRORS.has(`${effect.status} ${effect.error_code}`))
    return (
      `effect: ${effect.status} ${JSON.stringify(effect.error_code)} is not a status and error code ` +
      `of the error table (docs/api.md, "Errors"); for example ${ERROR_EXAMPLES}.`
    );
  if (effect.type === 'latency') {
    const range = effect.min_ms !== undefined || effect.max_ms !== undefined;
    if ((effect.ms !== undefined) === range)
      return 'effect: a latency takes ms, or min_ms and max_ms, one of the two.';
    if (range && (effect.min_ms === undefined || effect.max_ms === undefined))
      return 'effect: a latency range takes both min_ms and max_ms.';
    if (range && (effect.min_ms as number) > (effect.max_ms as number))
      return 'effect.min_ms must not be more than effect.max_ms.';
  }
  return undefined;
}

/** A seed for a rule that gave none: shown in the rule, so that its run can be replayed. */
export const drawSeed = (): number => randomInt(0, 2 ** 32 - 1);
