import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DAY, PARAMETER_ERROR } from '../support/api.js';
import { ManualClock, startTestServer, type TestServer } from '../support/harness.js';
import { act, INVALID_RANGE, listedItem, NOT_ALLOWED, stored, type Target } from './actions-support.js';

/**
 * The route-switch strategy on the documented example's ToBeSwitched task: a window turns
 * toBeSwitched off, manual (empty times) turns it on, and bad bodies change nothing.
 */
const at = (time: string) => Date.parse(`2025-05-20T${time}Z`);
const seedTask = {
  id: '92370d30-3ddc-4e05-b8ab-51662d824318',
  name: 'migrateLogicDb',
  status: 'ToBeSwitched',
  database_name: 'db_e487',
  instance_id: '733c7e8d73a54c27b8308ec784a8be8cin09',
  instance_name: 'UTS-ddm-dtc-src',
  created_at: at('15:05:13'),
  switch_route_begin_time: at('02:00:00') + 2 * DAY,
  switch_route_end_time: at('04:00:00') + 2 * DAY,
};
const target: Target = { id: seedTask.id, instanceId: seedTask.instance_id, database: 'db_e487' };
const WINDOW = ['modifySwitchingStrategy', 'toBeCanceled'];
const MANUAL = ['modifySwitchingStrategy', 'toBeSwitched', 'toBeCanceled'];

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ clock: new ManualClock(Date.parse('2025-05-21T09:30:00Z')) });
  await server.record(seedTask);
});
afterAll(() => server.close());

const operations = async () => (await listedItem(server, seedTask))?.operations;
const strategy = (payload: unknown, headers?: Record<string, string>) =>
  act(server, target, 'route-switch-strategy', { payload, ...(headers ? { headers } : {}) });

describe('the documented ToBeSwitched task', () => {
  it('offers modifySwitchingStrategy and toBeCanceled, then toBeSwitched too once manual', async () => {
    expect(await operations()).toEqual(WINDOW);
    const manual = await strategy({ switch_route_begin_time: '', switch_route_end_time: '' });
    expect(manual.statusCode).toBe(200);
    expect(manual.body).toBe('{}');
    expect(await operations()).toEqual(MANUAL);
    expect(await stored(server, seedTask.id)).toMatchObject({
      status: 'ToBeSwitched',
      switch_route_begin_time: null,
      switch_route_end_time: null,
    });
  });

  it('turns toBeSwitched off again when a window is set, in any zone offset', async () => {
    await strategy({});
    expect(await operations()).toEqual(MANUAL);
    const windowed = await strategy({
      switch_route_begin_time: '2025-05-22T04:00:00+0200',
      switch_route_end_time: '2025-05-22T04:00:00+0000',
    });
    expect(windowed.statusCode).toBe(200);
    expect(windowed.body).toBe('{}');
    expect(await operations()).toEqual(WINDOW);
    expect(await stored(server, seedTask.id)).toMatchObject({
      switch_route_begin_time: Date.parse('2025-05-22T02:00:00Z'),
      switch_route_end_time: Date.parse('2025-05-22T04:00:00Z'),
    });
    // With a window, switching by hand is not offered.
    const switched = await act(server, target, 'route-switch');
    expect(switched.statusCode).toBe(400);
    expect(switched.body).toBe(NOT_ALLOWED);
  });

  it('takes an empty object or absent times as manual', async () => {
    for (const body of [{}, { switch_route_begin_time: '' }, { switch_route_end_time: '' }]) {
      await strategy({
        switch_route_begin_time: '2025-05-22T02:00:00+0000',
        switch_route_end_time: '2025-05-22T04:00:00+0000',
      });
      expect(await operations()).toEqual(WINDOW);
      expect((await strategy(body)).statusCode).toBe(200);
      expect(await operations()).toEqual(MANUAL);
    }
  });

  it('accepts a window that is already open (begun, not yet ended)', async () => {
    const response = await strategy({
      switch_route_begin_time: '2025-05-21T09:00:00+0000',
      switch_route_end_time: '2025-05-21T10:00:00+0000',
    });
    expect(response.statusCode).toBe(200);
    expect(await operations()).toEqual(WINDOW);
  });
});

describe('bad strategy bodies change nothing', () => {
  let version: number;
  beforeEach(async () => {
    version = (await stored(server, seedTask.id)).version as number;
  });

  const begin = '2025-05-22T02:00:00+0000';
  const end = '2025-05-22T04:00:00+0000';
  const cases: [string, unknown, string, Record<string, string>?][] = [
    [
      'only a begin time',
      { switch_route_begin_time: begin },
      PARAMETER_ERROR('switch_route_end_time is required with switch_route_begin_time.'),
    ],
    [
      'only an end time (begin empty)',
      { switch_route_begin_time: '', switch_route_end_time: end },
      PARAMETER_ERROR('switch_route_begin_time is required with switch_route_end_time.'),
    ],
    [
      'a begin time not in the DDM format',
      { switch_route_begin_time: '2025-05-22 02:00:00', switch_route_end_time: end },
      PARAMETER_ERROR('switch_route_begin_time must be a time as yyyy-mm-ddThh:mm:ss+hhmm, or "".'),
    ],
    [
      'an end time in month 13',
      { switch_route_begin_time: begin, switch_route_end_time: '2025-13-22T04:00:00+0000' },
      PARAMETER_ERROR('switch_route_end_time must be a time as yyyy-mm-ddThh:mm:ss+hhmm, or "".'),
    ],
    [
      'epoch milliseconds instead of text',
      { switch_route_begin_time: Date.parse('2025-05-22T02:00:00Z'), switch_route_end_time: end },
      PARAMETER_ERROR('switch_route_begin_time must be a time as yyyy-mm-ddThh:mm:ss+hhmm, or "".'),
    ],
    [
      'null times',
      { switch_route_begin_time: null, switch_route_end_time: null },
      PARAMETER_ERROR('switch_route_begin_time must be a time as yyyy-mm-ddThh:mm:ss+hhmm, or "".'),
    ],
    [
      'a misspelt field, which must not silently mean manual',
      { switch_begin_time: begin, switch_route_end_time: end },
      PARAMETER_ERROR('switch_begin_time is not a known field.'),
    ],
    ['an array', [], PARAMETER_ERROR('The body must be a JSON object.')],
    ['a JSON string', '"manual"', PARAMETER_ERROR('The body must be a JSON object.')],
    ['no body', undefined, PARAMETER_ERROR('The body must be a JSON object.')],
    ['an empty body sent as JSON', '', PARAMETER_ERROR('The body must be a JSON object.')],
    [
      'JSON that does not parse',
      '{"switch_route_begin_time":',
      PARAMETER_ERROR('The body is not valid JSON.'),
    ],
    [
      'a window that ends when it begins',
      { switch_route_begin_time: begin, switch_route_end_time: begin },
      INVALID_RANGE('switch_route_end_time must be after switch_route_begin_time.'),
    ],
    [
      'a window that ends before it begins',
      { switch_route_begin_time: end, switch_route_end_time: begin },
      INVALID_RANGE('switch_route_end_time must be after switch_route_begin_time.'),
    ],
    [
      'a window that ended already (it could never open)',
      {
        switch_route_begin_time: '2025-05-21T07:00:00+0000',
        switch_route_end_time: '2025-05-21T09:30:00+0000',
      },
      INVALID_RANGE('switch_route_end_time must lie in the future.'),
    ],
  ];

  it.each(cases)('refuses %s', async (_label, payload, expected) => {
    const response = await strategy(payload);
    expect(response.statusCode).toBe(400);
    expect(response.body).toBe(expected);
    expect((await stored(server, seedTask.id)).version).toBe(version);
  });

  it('refuses a body that is not JSON with 415 APIGW.0203', async () => {
    const response = await act(server, target, 'route-switch-strategy', {
      payload: 'switch_route_begin_time=',
      headers: { 'content-type': 'text/plain' },
    });
    expect(response.statusCode).toBe(415);
    expect(response.json().error_code).toBe('APIGW.0203');
    expect((await stored(server, seedTask.id)).version).toBe(version);
  });
});
