import {
  type ClockMoveBody,
  ClockMoveBodySchema,
  ClockResponseSchema,
  createValidator,
  ResetResponseSchema,
} from '@ddm-jobs/contract';
import type { FastifyInstance } from 'fastify';
import { type Clock, isVirtualClock } from '../clock/clock.js';
import { ApiError } from '../errors/api-error.js';
import { guardForService } from '../http/route-guard.js';
import type { Authenticator } from '../identity/authenticate.js';

export interface EmulatorDeps {
  auth: Authenticator;
  clock: Clock;
  /** Runs once the clock moved, before the answer: the simulator catches up with the new instant. */
  afterClockMove: () => Promise<void>;
  /** Empties the tasks and applies the declared files again; only with `--emulator`. */
  reset?: (() => Promise<{ jobs: string[] }>) | undefined;
}

const validateMove = createValidator<ClockMoveBody>(ClockMoveBodySchema);

const clockAnswer = (clock: Clock) => {
  const now = clock.now();
  return { now, time: new Date(now).toISOString(), virtual: isVirtualClock(clock) };
};

/**
 * The emulator's controls under `/internal/v1`, for the `service` role: the clock (readable on
 * any server, movable when virtual) and, with `--emulator` only, the reset.
 */
export function emulatorRoutes(app: FastifyInstance, deps: EmulatorDeps): void {
  const { clock, afterClockMove, reset } = deps;
  guardForService(app, deps.auth);
  const clockSchema = { schema: { response: { 200: ClockResponseSchema } } };

  app.get('/internal/v1/clock', clockSchema, async () => clockAnswer(clock));

  app.post('/internal/v1/clock', clockSchema, async (request) => {
    const checked = validateMove(request.body);
    if (!checked.ok) throw new ApiError('parameter', checked.detail);
    const move = checked.value;
    if ((move.advance_ms === undefined) === (move.set === undefined)) {
      throw new ApiError('parameter', 'The body must give exactly one of advance_ms and set.');
    }
    if (!isVirtualClock(clock)) throw new ApiError('clockNotVirtual');
    const target = move.set ?? clock.now() + (move.advance_ms ?? 0);
    try {
      clock.set(target);
    } catch {
      throw new ApiError('parameter', 'advance_ms would move the clock past the latest instant.');
    }
    await afterClockMove();
    return clockAnswer(clock);
  });

  // Without the emulator the path still answers the gateway's 404, saying how to have it.
  app.post('/internal/v1/reset', { schema: { response: { 200: ResetResponseSchema } } }, async () => {
    if (!reset)
      throw new ApiError(
        'noSuchApi',
        "(the reset is the emulator's: start the server with --emulator, or DDM_JOBS_EMULATOR=1)",
      );
    return reset();
  });
}
