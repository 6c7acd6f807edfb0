import { applyScenario, createProducer, parseScenario } from '@ddm-jobs/server';
import { expect } from 'vitest';
import { listAs } from '../support/api.js';
import { PROJECT_A, type TestServer } from '../support/harness.js';

/** Helpers of the simulator tests: scenarios applied in-process, the clock moved, then a tick. */

/** The instance and database the test scenarios use, as the action paths name them. */
export const INSTANCE = '733c7e8d73a54c27b8308ec784a8be8cin09';
export const DATABASE = 'db_orders';

/**
 * Parses and applies a scenario (YAML) at the clock's now, its daily windows read in `timeZone`
 * (the server's); answers the ids recorded.
 */
export async function apply(server: TestServer, text: string, timeZone = 'UTC'): Promise<string[]> {
  const { store, clock } = server;
  const scenario = parseScenario(text, 'test scenario');
  const deps = { store, producer: createProducer(store, clock), clock, timeZone };
  return (await applyScenario(deps, scenario)).jobs;
}

/** Sets the clock to `ms` after `origin` and lets the simulator catch up. */
export async function at(server: TestServer, origin: number, ms: number): Promise<void> {
  server.clock.set(origin + ms);
  await server.app.simulator.tick();
}

/** The task as the tenant's list shows it (alice on project A, the last 30 days). */
export async function listed(server: TestServer, id: string): Promise<Record<string, unknown>> {
  const now = server.clock.now();
  const response = await listAs(server, 'alice', PROJECT_A, {
    start_time: now - 29 * 86_400_000,
    end_time: now,
    limit: 128,
  });
  expect(response.statusCode).toBe(200);
  const item = (response.json().jobs as Record<string, unknown>[]).find((job) => job.id === id);
  if (!item) throw new Error(`task ${id} is not listed`);
  return item;
}

/** The task as stored. */
export async function stored(server: TestServer, id: string) {
  const job = await server.store.getJob(id);
  if (!job) throw new Error(`task ${id} is not stored`);
  return job;
}

/** The statuses the change feed told for a task, in order, consecutive repeats folded. */
export async function statusHistory(server: TestServer, id: string): Promise<string[]> {
  const events = await server.store.eventsAfter(0, 10_000);
  const statuses = events.filter((event) => event.job?.id === id).map((event) => event.job?.status ?? '');
  return statuses.filter((status, i) => status !== statuses[i - 1]);
}

/** A tenant's action through the real route, as alice. */
export async function act(
  server: TestServer,
  id: string,
  action: string,
  body?: Record<string, unknown>,
): Promise<{ statusCode: number; json: () => Record<string, string> }> {
  const url = `/v3/${PROJECT_A}/instances/${INSTANCE}/databases/${DATABASE}/migration/jobs/${id}/${action}`;
  const response = await server.app.inject({
    method: 'PUT',
    url,
    headers: { 'x-auth-token': await server.tokenFor('alice') },
    ...(body ? { payload: body } : {}),
  });
  return response;
}

export const simulatedIds = async (server: TestServer) =>
  (await server.store.listSimulations()).map((simulation) => simulation.jobId);
