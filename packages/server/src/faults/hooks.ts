import { Readable } from 'node:stream';
import { errorBody } from '@ddm-jobs/contract';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter, type Registry } from 'prom-client';
import { operationOfRoute } from './operations.js';
import type { FaultRegistry, FiredFault } from './registry.js';
import { FAULT_ERRORS } from './rules.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Bytes of body to send before the connection is cut: a truncate fault fired on this call. */
    faultTruncateAt?: { bytes: number | undefined };
  }
}

/**
 * The faults' effects on the calls they match, as hooks of the whole app: the decision is taken
 * when the request is routed (before authentication: a gateway's failure does not ask who calls);
 * an error answers at once, a latency waits then lets the call go on, a drop destroys the socket,
 * a truncate lets the call run and cuts its answer. Each fired fault is counted on `/metrics`
 * (`ddm_jobs_faults_fired_total{rule, effect}`) and logged with its rule.
 */
export function installFaults(app: FastifyInstance, faults: FaultRegistry, metrics: Registry): void {
  const fired = new Counter({
    name: 'ddm_jobs_faults_fired_total',
    help: "Faults fired by the emulator's rules, by rule id and effect",
    labelNames: ['rule', 'effect'] as const,
    registers: [metrics],
  });
  // Latencies still waiting end when the app closes, so that closing never waits a minute.
  const waiting = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const release of waiting) release();
  });
  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      const release = () => {
        clearTimeout(timer);
        waiting.delete(release);
        resolve();
      };
      const timer = setTimeout(release, ms);
      waiting.add(release);
    });

  app.addHook('onRequest', async (request, reply) => {
    const operation = operationOfRoute(request.method, request.routeOptions.url);
    if (!operation) return;
    const projectId = (request.params as Record<string, string | undefined> | undefined)?.project_id;
    const decision = faults.decide({ operation, path: request.url.split('?', 1)[0] ?? '', projectId });
    if (!decision) return;
    fired.inc({ rule: decision.rule.id, effect: decision.effect.type });
    // At warn: an answer broken on purpose should stand out in the emulator's output.
    request.log.warn(
      { fault: { ...decision.rule, operation: operation.operation, latency_ms: decision.latencyMs } },
      'fault fired',
    );
    return applyEffect(request, reply, decision, delay);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const cut = request.faultTruncateAt;
    if (!cut) return payload;
    return truncated(reply, payload, cut.bytes);
  });
}

async function applyEffect(
  request: FastifyRequest,
  reply: FastifyReply,
  decision: FiredFault,
  delay: (ms: number) => Promise<void>,
): Promise<FastifyReply | undefined> {
  const { effect } = decision;
  switch (effect.type) {
    case 'error': {
      const kind = FAULT_ERRORS.get(`${effect.status} ${effect.error_code}`);
      if (!kind) return undefined;
      // The server's own 503 and 429 always say when to come back; a fault does too unless told.
      const retryAfter = effect.retry_after ?? (kind.status === 503 || kind.status === 429 ? 1 : undefined);
      if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
      reply
        .code(kind.status)
        .type('application/json')
        .send(errorBody({ ...kind, message: effect.error_msg ?? kind.message }, String(request.id)));
      return reply;
    }
    case 'latency':
      await delay(decision.latencyMs);
      return undefined;
    case 'drop':
      reply.hijack();
      request.raw.socket.destroy();
      return reply;
    case 'truncate':
      request.faultTruncateAt = { bytes: effect.bytes };
      return undefined;
  }
}

/**
 * The answer with its whole length declared in Content-Length, but only `bytes` of it sent (half
 * by default, always at least one byte short), then the connection closed once they are handed
 * to the system. An empty answer has nothing to cut: its connection is closed before its head.
 */
function truncated(reply: FastifyReply, payload: unknown, bytes: number | undefined): unknown {
  const body =
    typeof payload === 'string' ? Buffer.from(payload) : Buffer.isBuffer(payload) ? payload : undefined;
  const socket = reply.raw.socket;
  if (!body || body.length === 0) {
    socket?.destroy();
    return payload;
  }
  const sent = Math.min(bytes ?? Math.floor(body.length / 2), body.length - 1);
  reply.header('content-length', String(body.length));
  // The response ends at `sent` bytes as far as Node is concerned (it does not hold answers to
  // their Content-Length); the client, told more, sees the connection close in mid-body.
  reply.raw.once('finish', () => socket?.destroy());
  return Readable.from(sent === 0 ? [] : [body.subarray(0, sent)]);
}
