import type { ParseResult } from '../list-query.js';
import { type Static, Type } from '../typebox.js';
import { createValidator, withRule } from '../validate.js';
import { Identifier, Text } from './fields.js';

/**
 * The emulator's faults on demand (`/internal/v1/faults`, a scenario's `faults:` list; docs/api.md,
 * "Faults on demand"): which calls a rule matches, when it fires, and what it does then.
 */

export const FAULT_LIMITS = {
  /** Rules held at once: each matching call looks at every one. */
  rules: 100,
  /** The longest added latency: a client's timeout, not the emulator, should be what gives up. */
  latencyMs: 60_000,
  retryAfterSeconds: 3600,
  times: 1_000_000,
} as const;

export const FAULT_EFFECT_TYPES = ['error', 'latency', 'drop', 'truncate'] as const;
export type FaultEffectType = (typeof FAULT_EFFECT_TYPES)[number];

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
const Milliseconds = () =>
  withRule(
    Type.Integer({ minimum: 0, maximum: FAULT_LIMITS.latencyMs }),
    `must be a whole number of milliseconds from 0 to ${FAULT_LIMITS.latencyMs}`,
  );

export const FaultMatchSchema = Type.Object(
  {
    operation: Type.Optional(
      withRule(
        Type.String({ pattern: '^[A-Za-z]{1,64}$' }),
        'must be an operation name of the table (docs/api.md, "Faults on demand"), like ListTasks',
      ),
    ),
    method: Type.Optional(
      withRule(
        Type.Union(HTTP_METHODS.map((m) => Type.Literal(m))),
        `must be one of ${HTTP_METHODS.join(', ')}`,
      ),
    ),
    path: Type.Optional(
      withRule(
        Type.String({ pattern: '^/[^\\u0000-\\u0020?#]{0,511}$' }),
        'must be a path pattern starting with "/" (no query), where * stands for one segment\'s characters and ** for any',
      ),
    ),
    project_id: Type.Optional(Identifier()),
  },
  { additionalProperties: false },
);
export type FaultMatch = Static<typeof FaultMatchSchema>;

export const FaultFireSchema = Type.Object(
  {
    times: Type.Optional(
      withRule(
        Type.Integer({ minimum: 1, maximum: FAULT_LIMITS.times }),
        `must be an integer from 1 to ${FAULT_LIMITS.times}: the rule fires on that many matching calls, then no more`,
      ),
    ),
    probability: Type.Optional(
      withRule(Type.Number({ minimum: 0, maximum: 1 }), 'must be a number from 0 to 1'),
    ),
    seed: Type.Optional(
      withRule(
        Type.Integer({ minimum: 0, maximum: 4_294_967_295 }),
        'must be an integer from 0 to 4294967295',
      ),
    ),
  },
  { additionalProperties: false },
);
export type FaultFire = Static<typeof FaultFireSchema>;

/** An error answer: a status and code of the error table (docs/api.md, "Errors"). */
export const FaultErrorEffectSchema = Type.Object(
  {
    type: Type.Literal('error'),
    status: withRule(Type.Integer({ minimum: 400, maximum: 599 }), 'must be an HTTP status from 400 to 599'),
    error_code: withRule(
      Type.String({ pattern: '^[A-Za-z0-9.]{1,32}$' }),
      'must be an error code of the error table, like APIGW.0202',
    ),
    error_msg: Type.Optional(Text(512)),
    retry_after: Type.Optional(
      withRule(
        Type.Integer({ minimum: 0, maximum: FAULT_LIMITS.retryAfterSeconds }),
        `must be whole seconds from 0 to ${FAULT_LIMITS.retryAfterSeconds}`,
      ),
    ),
  },
  { additionalProperties: false },
);

/** Added latency before the call goes on: `ms`, or a draw between `min_ms` and `max_ms`. */
export const FaultLatencyEffectSchema = Type.Object(
  {
    type: Type.Literal('latency'),
    ms: Type.Optional(Milliseconds()),
    min_ms: Type.Optional(Milliseconds()),
    max_ms: Type.Optional(Milliseconds()),
  },
  { additionalProperties: false },
);

/** The connection closed without an answer. */
export const FaultDropEffectSchema = Type.Object(
  { type: Type.Literal('drop') },
  { additionalProperties: false },
);

/** The real answer, its full Content-Length declared, cut after `bytes` bytes of body. */
export const FaultTruncateEffectSchema = Type.Object(
  {
    type: Type.Literal('truncate'),
    bytes: Type.Optional(
      withRule(Type.Integer({ minimum: 0, maximum: 65_536 }), 'must be an integer from 0 to 65536'),
    ),
  },
  { additionalProperties: false },
);

export const FaultEffectSchema = Type.Union([
  FaultErrorEffectSchema,
  FaultLatencyEffectSchema,
  FaultDropEffectSchema,
  FaultTruncateEffectSchema,
]);
export type FaultEffect = Static<typeof FaultEffectSchema>;

/** `POST /internal/v1/faults`, and each item of a scenario's `faults:` list. */
export const FaultRuleBodySchema = Type.Object(
  {
    match: withRule(
      FaultMatchSchema,
      'must be an object of operation, method, path and project_id, each optional',
    ),
    fire: Type.Optional(FaultFireSchema),
    effect: FaultEffectSchema,
  },
  { additionalProperties: false },
);
export type FaultRuleBody = Static<typeof FaultRuleBodySchema>;

/** A rule as the emulator holds it: its id, the seed its draws use, and how often it fired. */
export const FaultRuleSchema = Type.Object(
  {
    id: Type.String(),
    match: FaultMatchSchema,
    fire: Type.Object(
      {
        times: Type.Optional(Type.Integer()),
        probability: Type.Optional(Type.Number()),
        seed: Type.Integer({ description: 'The seed given, or the one drawn when none was' }),
      },
      { additionalProperties: false },
    ),
    effect: FaultEffectSchema,
    fired: Type.Integer({ description: 'Calls this rule fired on' }),
  },
  { additionalProperties: false },
);
export type FaultRule = Static<typeof FaultRuleSchema>;

export const FaultResponseSchema = Type.Object({ fault: FaultRuleSchema }, { additionalProperties: false });
export const FaultListResponseSchema = Type.Object(
  { faults: Type.Array(FaultRuleSchema) },
  { additionalProperties: false },
);

// The same shapes one level at a time, so that a message names the field at fault with its rule
// (`effect.status must be ...`) rather than the union's "must match one of".
const checkTop = createValidator<{ match: unknown; fire?: unknown; effect: unknown }>(
  Type.Object(
    { match: Type.Unknown(), fire: Type.Optional(Type.Unknown()), effect: Type.Unknown() },
    { additionalProperties: false },
  ),
);
const checkMatch = createValidator<FaultMatch>(FaultMatchSchema);
const checkFire = createValidator<FaultFire>(FaultFireSchema);
const EFFECT_CHECKS: Record<FaultEffectType, (value: unknown) => ParseResult<FaultEffect>> = {
  error: createValidator(FaultErrorEffectSchema),
  latency: createValidator(FaultLatencyEffectSchema),
  drop: createValidator(FaultDropEffectSchema),
  truncate: createValidator(FaultTruncateEffectSchema),
};

const isMapping = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function nested<T>(check: (value: unknown) => ParseResult<T>, value: unknown, field: string): ParseResult<T> {
  if (!isMapping(value)) return { ok: false, detail: `${field} must be an object.` };
  const checked = check(value);
  return checked.ok ? checked : { ok: false, detail: `${field}.${checked.detail}` };
}

/**
 * Checks a fault rule's shape (the server checks the rest: a known operation, a status and code
 * of the error table): the body typed, or one clause naming the first field at fault.
 *
 * @example checkFaultRuleBody({ match: {}, effect: { type: 'bang' } })
 *   // { ok: false, detail: 'effect.type must be one of error, latency, drop, truncate.' }
 */
export function checkFaultRuleBody(value: unknown): ParseResult<FaultRuleBody> {
  if (!isMapping(value)) return { ok: false, detail: 'The body must be a JSON object.' };
  const top = checkTop(value);
  if (!top.ok) return top;
  const match = nested(checkMatch, value.match, 'match');
  if (!match.ok) return match;
  const fire = value.fire === undefined ? undefined : nested(checkFire, value.fire, 'fire');
  if (fire && !fire.ok) return fire;
  const { effect } = value;
  if (!isMapping(effect)) return { ok: false, detail: 'effect must be an object.' };
  const type = effect.type as FaultEffectType;
  if (!FAULT_EFFECT_TYPES.includes(type))
    return { ok: false, detail: `effect.type must be one of ${FAULT_EFFECT_TYPES.join(', ')}.` };
  const checkedEffect = nested(EFFECT_CHECKS[type], effect, 'effect');
  if (!checkedEffect.ok) return checkedEffect;
  return {
    ok: true,
    value: {
      match: match.value,
      ...(fire ? { fire: fire.value } : {}),
      effect: checkedEffect.value,
    },
  };
}
