import { type Static, Type } from '../typebox.js';
import { withRule } from '../validate.js';

const MAX_INSTANT = 8_640_000_000_000_000;

/**
 * `POST /internal/v1/clock`: moves the virtual clock forward by `advance_ms`, or sets it to the
 * instant `set` (epoch milliseconds, which may lie in the past). Exactly one of the two.
 */
export const ClockMoveBodySchema = Type.Object(
  {
    advance_ms: Type.Optional(
      withRule(
        Type.Integer({ minimum: 0, maximum: MAX_INSTANT }),
        'must be a whole number of milliseconds, 0 or more',
      ),
    ),
    set: Type.Optional(
      withRule(Type.Integer({ minimum: 0, maximum: MAX_INSTANT }), 'must be epoch milliseconds'),
    ),
  },
  { additionalProperties: false },
);
export type ClockMoveBody = Static<typeof ClockMoveBodySchema>;

/** The server's clock: `virtual` false for the real one, which cannot be moved. */
export const ClockResponseSchema = Type.Object(
  {
    now: Type.Integer({ description: 'Epoch milliseconds' }),
    time: Type.String({ description: 'The same instant in ISO 8601, UTC' }),
    virtual: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type ClockResponse = Static<typeof ClockResponseSchema>;

/** `POST /internal/v1/reset` (emulator only): what was applied again. */
export const ResetResponseSchema = Type.Object(
  {
    jobs: Type.Array(Type.String(), { description: 'Ids of the tasks the scenario files recorded again' }),
  },
  { additionalProperties: false },
);
export type ResetResponse = Static<typeof ResetResponseSchema>;
