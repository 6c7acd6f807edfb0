import { parseScenario } from '@ddm-jobs/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/harness.js';

/**
 * Regression of a crash the route fuzzer found: a scenario nested a few thousand levels deep sent
 * to POST /internal/v1/scenarios made the YAML parser exhaust the stack, and when that happened
 * inside V8's regular-expression compiler the whole process aborted ("RegExpCompiler Allocation
 * failed - process out of memory"). Such documents are refused before parsing, naming the line.
 */

const flow = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const block = (depth: number) =>
  `${Array.from({ length: depth }, (_, i) => `${' '.repeat(i)}a:`).join('\n')}\n${' '.repeat(depth)}b: 1\n`;
const compact = (depth: number) => `tasks: ${'- '.repeat(depth)}1\n`;

describe('deeply nested scenarios', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('refuses a JSON scenario nested 2,700 levels deep with 400 DBS.280001, and keeps serving', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/internal/v1/scenarios',
      headers: { 'x-auth-token': await server.tokenFor('worker'), 'content-type': 'application/json' },
      payload: flow(2_700),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      error_code: 'DBS.280001',
      error_msg: 'Parameter error. The scenario nests too deeply at line 1: at most 64 levels.',
    });
    expect((await server.app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });

  it('refuses deep block mappings, compact sequences and flow collections before parsing', () => {
    for (const text of [block(1_000), compact(1_000), flow(65), `a: [${'['.repeat(70)}`]) {
      expect(() => parseScenario(text, 'x.yaml')).toThrow(/nests too deeply at line \d+: at most 64 levels/);
    }
  });

  it('counts no quoted brackets, and takes an apostrophe inside a word as a plain character', () => {
    const quoted = `project: "${'['.repeat(100)}"\nname: '${'{'.repeat(100)}'\ntasks: []\n`;
    expect(() => parseScenario(quoted, 'x.yaml')).not.toThrow(/nests too deeply/);
    const sneaky = `project: it's\nx: ${'['.repeat(100)}\n`;
    expect(() => parseScenario(sneaky, 'x.yaml')).toThrow(/nests too deeply/);
  });
});
