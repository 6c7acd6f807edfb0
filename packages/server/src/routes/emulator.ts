import {
  type ClockMoveBody,
  ClockMoveBodySchema,
  ClockResponseSchema,
  createValidator,
  type ResetBody,
  ResetBodySchema,
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
  /**
   * Empties one project's tasks and records its declared tasks again (`{"project_id"}`); undefined
   * when no project has that id. Only with `--emulator`.
   */
  resetProject?: ((projectId: string) => Promise<{ jobs: string[] } | undefined>) | undefined;
}

const validateMove = createValidator<ClockMoveBody>(ClockMoveBodySchema);
const validateReset = createValidator<ResetBody>(ResetBodySchema);

const clockAnswer = (clock: Clock) => {
  const now = clock.now();
  return { now, time: new Date(now).toISOString(), virtual: isVirtualClock(clock) };
};

/**
 * The emulator's controls under `/internal/v1`, for the `service` role: the clock (readable on
 * any server, movable when virtual) and, with `--emulator` only, the reset.
 */
export function emulatorRoutes(app: FastifyInstance, deps: EmulatorDeps): void {
  const { clock, afterClockMove, reset, resetProject } = deps;
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
  app.post('/internal/v1/reset', { schema: { response: { 200: ResetResponseSchema } } }, async (request) => {
    if (!reset || !resetProject)
      throw new ApiError(
        'noSuchApi',
        "(the reset is the emulator's: start the server with --emulator, or DDM_JOBS_EMULATOR=1)",
      );
    // No body, or one without project_id: the whole emulator, as before.
    const checked = validateReset(request.body ?? {});
    if (!checked.ok) throw new ApiError('parameter', checked.detail);
    const projectId = checked.value.project_id;
    if (projectId === undefined) return reset();
    const done = await resetProject(projectId);
    if (!done) throw new ApiError('parameter', `project_id names no project: "${projectId}".`);
    return done;
  });
}
