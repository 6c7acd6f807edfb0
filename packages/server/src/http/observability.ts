import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { FeedWatcher } from '../jobs/feed-watcher.js';
import type { JobStore } from '../store/interfaces.js';

/**
 * Per-request observability: the `X-Request-Id` header, one JSON log line per request (request
 * id, method, route, status, duration, client address; never headers or bodies, so never a token
 * or password), and the Prometheus metrics served at `/metrics`.
 */
export function installObservability(app: FastifyInstance, jobs: JobStore): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'ddm_jobs_http_requests_total',
    help: 'HTTP requests by route, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'ddm_jobs_http_request_duration_seconds',
    help: 'HTTP request latency by route and method',
    labelNames: ['route', 'method'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  new Gauge({
    name: 'ddm_jobs_tasks',
    help: 'Stored tasks by status',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const [status, n] of Object.entries(await jobs.countJobsByStatus())) this.set({ status }, n);
    },
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    // Unrouted requests share one label, so that random paths cannot grow the metric set.
    const route = request.routeOptions.url ?? 'unrouted';
    const seconds = reply.elapsedTime / 1000;
    requests.inc({ route, method: request.method, status: reply.statusCode });
    latency.observe({ route, method: request.method }, seconds);
    request.log.info(
      {
        method: request.method,
        route,
        status: reply.statusCode,
        duration_ms: Math.round(reply.elapsedTime * 1000) / 1000,
        // The client's address: the socket's, or the one a trusted proxy names (--trust-proxy).
        ip: request.ip,
      },
      'request',
    );
  });
  return registry;
}

/** `ddm_jobs_feed_waiters` and `ddm_jobs_feed_polling` on `/metrics`: long-polls and streams waiting. */
export function registerFeedMetrics(registry: Registry, watcher: FeedWatcher): void {
  new Gauge({
    name: 'ddm_jobs_feed_waiters',
    help: 'Long-polls and event streams waiting for the change feed',
    registers: [registry],
    collect() {
      this.set(watcher.stats().waiters);
    },
  });
  new Gauge({
    name: 'ddm_jobs_feed_polling',
    help: '1 while the change feed is polled for somebody waiting, else 0',
    registers: [registry],
    collect() {
      this.set(watcher.stats().polling ? 1 : 0);
    },
  });
}
