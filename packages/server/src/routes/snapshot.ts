import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors/api-error.js';
import { guardForService } from '../http/route-guard.js';
import type { Authenticator } from '../identity/authenticate.js';
import { checkSnapshot, type SnapshotDocument, SnapshotError } from '../snapshot/document.js';
import type { RestoreSummary } from '../snapshot/snapshot.js';

/** A snapshot's body may be far larger than the API's other bodies (64 KiB). */
export const SNAPSHOT_BODY_LIMIT_BYTES = 512 * 1024 * 1024;

export interface SnapshotRouteDeps {
  auth: Authenticator;
  take: () => Promise<SnapshotDocument>;
  /** Replaces the state with the document's (the simulator paused meanwhile). */
  restore: (document: SnapshotDocument) => Promise<RestoreSummary>;
}

/**
 * The emulator's snapshots under `/internal/v1`, for the `service` role (docs/testing.md,
 * "Snapshots"). Registered with `--emulator` only: elsewhere the path is an unknown route.
 */
export function snapshotRoutes(app: FastifyInstance, deps: SnapshotRouteDeps): void {
  guardForService(app, deps.auth);

  app.get('/internal/v1/snapshot', async (_request, reply) => {
    // Never cached by a proxy or a browser: it holds the state, sealed secrets included.
    reply.header('cache-control', 'no-store');
    return deps.take();
  });

  app.post('/internal/v1/snapshot', { bodyLimit: SNAPSHOT_BODY_LIMIT_BYTES }, async (request) => {
    let document: SnapshotDocument;
    try {
      document = checkSnapshot(request.body);
    } catch (error) {
      if (error instanceof SnapshotError) throw new ApiError('parameter', `The body: ${error.message}.`);
      throw error;
    }
    try {
      const summary = await deps.restore(document);
      return { restored: { rows: summary.rows, clock: summary.clock } };
    } catch (error) {
      if (error instanceof SnapshotError) throw new ApiError('parameter', `The snapshot: ${error.message}.`);
      throw error;
    }
  });
}
