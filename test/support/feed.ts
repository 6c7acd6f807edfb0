import type { TestServer } from './harness.js';

/** The change feed's gauges on `/metrics`: long-polls and streams waiting, and whether it polls. */
export async function feedGauges(server: TestServer): Promise<{ waiters: number; polling: number }> {
  const text = (await server.app.inject({ url: '/metrics' })).body;
  const gauge = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  return { waiters: gauge('ddm_jobs_feed_waiters'), polling: gauge('ddm_jobs_feed_polling') };
}

/** Resolves once `count` requests wait on the feed; rejects after `timeoutMs` of wall time. */
export async function feedWaiters(server: TestServer, count: number, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { waiters } = await feedGauges(server);
    if (waiters === count) return;
    if (Date.now() > deadline) throw new Error(`feed waiters: ${waiters}, expected ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
