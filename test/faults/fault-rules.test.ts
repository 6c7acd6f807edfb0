import { FAULT_LIMITS } from '@ddm-jobs/contract';
import { FAULTABLE_OPERATIONS } from '@ddm-jobs/server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_A, PROJECT_B } from '../support/harness.js';
import { type FaultyEmulator, startFaultyEmulator } from './support.js';

/** The rules' routes: who may call them, where they exist, what a bad rule is told. */
let emu: FaultyEmulator;
beforeAll(async () => {
  emu = await startFaultyEmulator();
});
afterAll(() => emu.close());
afterEach(async () => {
  await emu.service('DELETE', '/internal/v1/faults');
});

const UNAVAILABLE = { type: 'error', status: 503, error_code: 'APIGW.0202' };

describe('the operations faults can match', () => {
  it('are the tenant API’s and Keystone’s token routes, by their SDK names, and nothing internal', () => {
    const names = FAULTABLE_OPERATIONS.map((op) => op.operation);
    expect(names).toEqual(
      expect.arrayContaining([
        'ListTasks',
        'ShowDdmJobResult',
        'ShowTaskHistory',
        'CancelMigration',
        'RetryMigration',
        'RollbackMigration',
        'CleanMigration',
        'SwitchRoute',
        'ChangeStrategy',
        'MigrateResults',
        'ShowMigrationLog',
        'FollowTasks',
        'KeystoneCreateToken',
        'KeystoneValidateToken',
      ]),
    );
    expect(FAULTABLE_OPERATIONS.filter((op) => !op.path.startsWith('/v3/'))).toEqual([]);
    expect(new Set(names).size).toBe(names.length);
  });

  it('each name a route the server serves', () => {
    for (const op of FAULTABLE_OPERATIONS) {
      const url = op.path.replace(/\{([^}]+)\}/g, ':$1');
      expect({
        op: op.operation,
        served: emu.server.app.hasRoute({ method: op.method as 'GET', url }),
      }).toEqual({
        op: op.operation,
        served: true,
      });
    }
  });
});

describe('POST /internal/v1/faults', () => {
  it('answers 201 with the rule, its id, its seed and fired 0', async () => {
    const answer = await emu.service('POST', '/internal/v1/faults', {
      match: { operation: 'ShowDdmJobResult' },
      fire: { times: 3, seed: 11 },
      effect: { type: 'latency', min_ms: 10, max_ms: 20 },
    });
    expect(answer.status).toBe(201);
    expect(answer.json()).toEqual({
      fault: {
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        match: { operation: 'ShowDdmJobResult' },
        fire: { times: 3, seed: 11 },
        effect: { type: 'latency', min_ms: 10, max_ms: 20 },
        fired: 0,
      },
    });
  });

  it.each([
    [[], 'The body must be a JSON object.'],
    [{ effect: UNAVAILABLE }, 'match is required.'],
    [{ match: {}, effect: { type: 'bang' } }, 'effect.type must be one of error, latency, drop, truncate.'],
    [
      { match: { operation: 'RecordJob' }, effect: UNAVAILABLE },
      'match.operation names no operation faults can match',
    ],
    [
      { match: { operation: 'ListTasks', method: 'GET' }, effect: UNAVAILABLE },
      'match takes an operation, or a method and path, not both.',
    ],
    [
      { match: { method: 'TRACE' }, effect: UNAVAILABLE },
      'match.method must be one of GET, POST, PUT, PATCH, DELETE.',
    ],
    [
      { match: { path: 'v3/jobs' }, effect: UNAVAILABLE },
      'match.path must be a path pattern starting with "/"',
    ],
    [
      { match: {}, effect: { ...UNAVAILABLE, error_code: 'APIGW.0308' } },
      'effect: 503 "APIGW.0308" is not a status and error code of the error table',
    ],
    [
      { match: {}, effect: { ...UNAVAILABLE, error_code: 'DDMJOBS.0409', status: 409 } },
      'effect: 409 "DDMJOBS.0409" is not a status and error code of the error table',
    ],
    [
      { match: {}, effect: { ...UNAVAILABLE, retry_after: -1 } },
      'effect.retry_after must be whole seconds from 0 to 3600.',
    ],
    [
      { match: {}, effect: { type: 'latency' } },
      'effect: a latency takes ms, or min_ms and max_ms, one of the two.',
    ],
    [
      { match: {}, effect: { type: 'latency', ms: 5, max_ms: 9 } },
      'effect: a latency takes ms, or min_ms and max_ms, one of the two.',
    ],
    [
      { match: {}, effect: { type: 'latency', min_ms: 9 } },
      'effect: a latency range takes both min_ms and max_ms.',
    ],
    [
      { match: {}, effect: { type: 'latency', min_ms: 9, max_ms: 5 } },
      'effect.min_ms must not be more than effect.max_ms.',
    ],
    [
      { match: {}, effect: { type: 'latency', ms: 60_001 } },
      'effect.ms must be a whole number of milliseconds from 0 to 60000.',
    ],
    [
      { match: {}, fire: { probability: 2 }, effect: UNAVAILABLE },
      'fire.probability must be a number from 0 to 1.',
    ],
    [{ match: {}, fire: { times: 0 }, effect: UNAVAILABLE }, 'fire.times must be an integer from 1 to'],
    [{ match: {}, effect: { type: 'drop', ms: 1 } }, 'effect.ms is not a known field.'],
  ])('refuses %j with 400 DBS.280001 naming the field, adding nothing', async (body, message) => {
    const answer = await emu.service('POST', '/internal/v1/faults', body);
    expect(answer.status).toBe(400);
    expect(answer.json()).toMatchObject({ error_code: 'DBS.280001' });
    expect(answer.json().error_msg).toContain(`Parameter error. ${message}`);
    expect((await emu.service('GET', '/internal/v1/faults')).json()).toEqual({ faults: [] });
  });

  it(`holds at most ${FAULT_LIMITS.rules} rules`, async () => {
    for (let i = 0; i < FAULT_LIMITS.rules; i++) await emu.fault({ match: {}, effect: { type: 'drop' } });
    const answer = await emu.service('POST', '/internal/v1/faults', { match: {}, effect: { type: 'drop' } });
    expect(answer.status).toBe(400);
    expect(answer.json().error_msg).toBe(
      `Parameter error. At most ${FAULT_LIMITS.rules} fault rules are held at once.`,
    );
  });
});

describe('DELETE /internal/v1/faults[/{id}]', () => {
  it('removes one rule, or all; an unknown id is 404 DDMJOBS.0431', async () => {
    const first = await emu.fault({ match: {}, effect: { type: 'drop' } });
    const second = await emu.fault({ match: {}, effect: UNAVAILABLE });
    expect((await emu.service('DELETE', `/internal/v1/faults/${first.id}`)).status).toBe(204);
    expect((await emu.service('GET', '/internal/v1/faults')).json().faults).toEqual([second]);
    const again = await emu.service('DELETE', `/internal/v1/faults/${first.id}`);
    expect(again.status).toBe(404);
    expect(again.json()).toEqual({
      error_code: 'DDMJOBS.0431',
      error_msg: 'The fault rule is not found. GET /internal/v1/faults lists them.',
    });
    expect((await emu.service('DELETE', '/internal/v1/faults')).status).toBe(204);
    expect((await emu.service('GET', '/internal/v1/faults')).json().faults).toEqual([]);
  });
});

describe('who may call the rules’ routes', () => {
  it('the role service only: none is 401, a tenant 403', async () => {
    const none = await fetch(`${emu.url}/internal/v1/faults`);
    expect(none.status).toBe(401);
    const tenant = await fetch(`${emu.url}/internal/v1/faults`, {
      headers: { 'x-auth-token': await emu.server.tokenFor('alice') },
    });
    expect(tenant.status).toBe(403);
  });

  it('nobody without the emulator: every route is 404 APIGW.0101, as an unknown route', async () => {
    const plain = await startFaultyEmulator({ emulator: false });
    try {
      for (const [method, path] of [
        ['GET', '/internal/v1/faults'],
        ['POST', '/internal/v1/faults'],
        ['DELETE', '/internal/v1/faults'],
        ['DELETE', '/internal/v1/faults/x'],
      ] as const) {
        const answer = await plain.service(
          method,
          path,
          method === 'POST' ? { match: {}, effect: UNAVAILABLE } : undefined,
        );
        expect({ method, path, status: answer.status, code: answer.json().error_code }).toEqual({
          method,
          path,
          status: 404,
          code: 'APIGW.0101',
        });
      }
    } finally {
      await plain.close();
    }
  });
});

describe('POST /internal/v1/scenarios with faults', () => {
  const scenario = {
    faults: [{ match: { operation: 'ListTasks' }, fire: { times: 1 }, effect: { type: 'drop' } }],
  };

  it('adds the scenario’s rules in the emulator', async () => {
    const answer = await emu.service('POST', '/internal/v1/scenarios', scenario);
    expect(answer.status).toBe(201);
    expect((await emu.service('GET', '/internal/v1/faults')).json().faults).toEqual([
      expect.objectContaining({ match: { operation: 'ListTasks' }, effect: { type: 'drop' }, fired: 0 }),
    ]);
  });

  it('refuses a bad rule naming it, recording nothing', async () => {
    const answer = await emu.service('POST', '/internal/v1/scenarios', {
      project: 'project-a',
      tasks: [{ name: 'EnlargeNode', steps: [{ status: 'Completed' }] }],
      faults: [{ match: {}, effect: { type: 'latency' } }],
    });
    expect(answer.status).toBe(400);
    expect(answer.json().error_msg).toBe(
      'Parameter error. faults[0].effect: a latency takes ms, or min_ms and max_ms, one of the two.',
    );
    expect((await emu.list()).json().total).toBe(0);
  });

  it('refuses faults outside the emulator, recording nothing', async () => {
    const plain = await startFaultyEmulator({ emulator: false });
    try {
      const answer = await plain.service('POST', '/internal/v1/scenarios', scenario);
      expect(answer.status).toBe(400);
      expect(answer.json().error_msg).toBe(
        "Parameter error. faults are the emulator's: start the server with --emulator.",
      );
    } finally {
      await plain.close();
    }
  });
});

describe('a reset', () => {
  it('of one project removes that project’s rules only', async () => {
    const own = await emu.fault({ match: { project_id: PROJECT_A }, effect: { type: 'drop' } });
    const other = await emu.fault({ match: { project_id: PROJECT_B }, effect: { type: 'drop' } });
    const all = await emu.fault({ match: { operation: 'ShowDdmJobResult' }, effect: { type: 'drop' } });
    expect((await emu.service('POST', '/internal/v1/reset', { project_id: PROJECT_A })).status).toBe(200);
    const ids = ((await emu.service('GET', '/internal/v1/faults')).json().faults as { id: string }[]).map(
      (r) => r.id,
    );
    expect(ids).toEqual([other.id, all.id]);
    expect(ids).not.toContain(own.id);
  });

  it('of the whole emulator removes every rule', async () => {
    await emu.fault({ match: {}, effect: { type: 'drop' } });
    expect((await emu.service('POST', '/internal/v1/reset')).status).toBe(200);
    expect((await emu.service('GET', '/internal/v1/faults')).json().faults).toEqual([]);
  });
});
