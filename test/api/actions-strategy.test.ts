import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ALICE_KEY, startSignedServer } from '../aksk/fixture.js';
import { internal, PARAMETER_ERROR } from '../support/api.js';
import { ManualClock, PROJECT_A, type TestServer } from '../support/harness.js';
import { sdkSign } from '../support/sdk-signer.js';
import { INVALID_RANGE, listedItem, NOT_ALLOWED } from './actions-support.js';

/**
 * The route-switch strategy as the cloud has it (daily `HH:mm:ss` windows, one day, at least 60
 * minutes) over real HTTP, sent with a token and signed with an access key as the official SDK
 * does: the window is kept, manual turns toBeSwitched on, the SDK model's extra fields are taken
 * when they agree with the path, and every refusal answers its code and changes nothing.
 */
const seedTask = {
  id: '92370d30-3ddc-4e05-b8ab-51662d824318',
  name: 'migrateLogicDb',
  status: 'ToBeSwitched',
  database_name: 'db_e487',
  instance_id: '733c7e8d73a54c27b8308ec784a8be8cin09',
  instance_name: 'UTS-ddm-dtc-src',
  created_at: Date.parse('2025-05-20T15:05:13Z'),
  switch_route_begin_time: '02:00:00',
  switch_route_end_time: '04:00:00',
};
const PATH =
  `/v3/${PROJECT_A}/instances/${seedTask.instance_id}/databases/${seedTask.database_name}` +
  `/migration/jobs/${seedTask.id}`;
const WINDOW = ['modifySwitchingStrategy', 'toBeCanceled'];
const MANUAL = ['modifySwitchingStrategy', 'toBeSwitched', 'toBeCanceled'];
const FORMAT = INVALID_RANGE('The format of the time range for route switching is HH:mm:ss.');
const RULE = INVALID_RANGE(
  'The start time and end time are the same day and the interval is at least 1 hour.',
);

let server: TestServer;
let base: string;
beforeAll(async () => {
  server = await startSignedServer({ clock: new ManualClock(Date.parse('2025-05-21T09:30:00Z')) });
  await server.record(seedTask);
  base = await server.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => server.close());

type Credential = 'token' | 'aksk';

/** A PUT over HTTP as alice (te_admin): with her token, or signed with her access key over the exact bytes. */
async function put(credential: Credential, action: string, body: string | undefined) {
  const path = `${PATH}/${action}`;
  let headers: Record<string, string>;
  if (credential === 'token') {
    headers = { 'x-auth-token': await server.tokenFor('alice'), 'content-type': 'application/json' };
  } else {
    const host = new URL(base).host;
    const signed = sdkSign(
      { method: 'PUT', path, headers: { Host: host, 'X-Project-Id': PROJECT_A }, ...(body ? { body } : {}) },
      ALICE_KEY,
      server.clock.now(),
    );
    const { Host: _host, ...rest } = signed.headers;
    headers = rest;
  }
  const response = await fetch(`${base}${path}`, {
    method: 'PUT',
    headers,
    ...(body === undefined ? {} : { body }),
  });
  return { status: response.status, text: await response.text() };
}

const strategy = (credential: Credential, payload: unknown) =>
  put(credential, 'route-switch-strategy', typeof payload === 'string' ? payload : JSON.stringify(payload));
const stored = async () => (await internal(server, 'GET', `/internal/v1/jobs/${seedTask.id}`)).json().job;
const operations = async () => (await listedItem(server, seedTask))?.operations;

describe.each<Credential>(['token', 'aksk'])('route-switch-strategy over HTTP (%s)', (credential) => {
  it('sets a daily window HH:mm:ss, kept on the task, without toBeSwitched', async () => {
    const answer = await strategy(credential, {
      switch_route_begin_time: '17:00:00',
      switch_route_end_time: '18:00:00',
    });
    expect(answer).toEqual({ status: 200, text: '{}' });
    expect(await stored()).toMatchObject({
      status: 'ToBeSwitched',
      switch_route_begin_time: '17:00:00',
      switch_route_end_time: '18:00:00',
    });
    expect(await operations()).toEqual(WINDOW);
    // With a window, switching by hand is not offered.
    expect(await put(credential, 'route-switch', undefined)).toEqual({
      status: 400,
      text: NOT_ALLOWED('ToBeSwitched'),
    });
  });

  it('makes the switch manual with empty times, an empty object or absent times', async () => {
    for (const body of [{ switch_route_begin_time: '', switch_route_end_time: '' }, {}]) {
      await strategy(credential, { switch_route_begin_time: '01:00:00', switch_route_end_time: '05:30:00' });
      expect(await operations()).toEqual(WINDOW);
      expect(await strategy(credential, body)).toEqual({ status: 200, text: '{}' });
      expect(await stored()).toMatchObject({ switch_route_begin_time: null, switch_route_end_time: null });
      expect(await operations()).toEqual(MANUAL);
    }
  });

  it('accepts the SDK model extra fields when they agree with the path (the task id in any case)', async () => {
    const answer = await strategy(credential, {
      switch_route_begin_time: '00:00:00',
      switch_route_end_time: '23:59:59',
      project_id: PROJECT_A,
      instance_id: seedTask.instance_id,
      task_id: seedTask.id.toUpperCase(),
      logic_db_name: seedTask.database_name,
      is_open_api: true,
    });
    expect(answer).toEqual({ status: 200, text: '{}' });
    expect(await stored()).toMatchObject({
      switch_route_begin_time: '00:00:00',
      switch_route_end_time: '23:59:59',
    });
  });

  it('accepts exactly 60 minutes, and refuses a second less', async () => {
    const answer = await strategy(credential, {
      switch_route_begin_time: '23:00:00',
      switch_route_end_time: '23:59:59',
    });
    expect(answer).toEqual({ status: 400, text: RULE });
    expect(
      await strategy(credential, { switch_route_begin_time: '22:59:59', switch_route_end_time: '23:59:59' }),
    ).toEqual({ status: 200, text: '{}' });
  });
});

describe.each<Credential>(['token', 'aksk'])(
  'bad strategy bodies over HTTP (%s) change nothing',
  (credential) => {
    let version: number;
    beforeEach(async () => {
      version = (await stored()).version as number;
    });

    const window = { switch_route_begin_time: '17:00:00', switch_route_end_time: '18:00:00' };
    const cases: [string, unknown, string][] = [
      [
        'the one-off date-time of the earlier format',
        {
          switch_route_begin_time: '2025-05-22T02:00:00+0000',
          switch_route_end_time: '2025-05-22T04:00:00+0000',
        },
        FORMAT,
      ],
      ['hours and minutes only', { ...window, switch_route_end_time: '18:00' }, FORMAT],
      ['24 o’clock', { ...window, switch_route_end_time: '24:00:00' }, FORMAT],
      ['one digit of hours', { ...window, switch_route_begin_time: '7:00:00' }, FORMAT],
      ['a number', { ...window, switch_route_begin_time: 61200 }, FORMAT],
      ['null times', { switch_route_begin_time: null, switch_route_end_time: null }, FORMAT],
      [
        'an end before the begin',
        { switch_route_begin_time: '18:00:00', switch_route_end_time: '17:00:00' },
        RULE,
      ],
      [
        'an end equal to the begin',
        { switch_route_begin_time: '17:00:00', switch_route_end_time: '17:00:00' },
        RULE,
      ],
      [
        '59 minutes 59 seconds',
        { switch_route_begin_time: '17:00:00', switch_route_end_time: '17:59:59' },
        RULE,
      ],
      [
        'a window over midnight (not one day)',
        { switch_route_begin_time: '23:30:00', switch_route_end_time: '01:30:00' },
        RULE,
      ],
      [
        'only a begin time',
        { switch_route_begin_time: '17:00:00' },
        PARAMETER_ERROR('switch_route_end_time is required with switch_route_begin_time.'),
      ],
      [
        'only an end time (begin empty)',
        { switch_route_begin_time: '', switch_route_end_time: '18:00:00' },
        PARAMETER_ERROR('switch_route_begin_time is required with switch_route_end_time.'),
      ],
      [
        'another project in project_id',
        { ...window, project_id: '0a1b2c3d4e5f60718293a4b5c6d7e8f9' },
        PARAMETER_ERROR("project_id must be a string equal to the path's project_id."),
      ],
      [
        'another instance in instance_id',
        { ...window, instance_id: 'inst0001' },
        PARAMETER_ERROR("instance_id must be a string equal to the path's instance_id."),
      ],
      [
        'another task in task_id',
        { ...window, task_id: '6f1d2c3b-4a59-4e87-b6d5-c4b3a2918071' },
        PARAMETER_ERROR("task_id must be a string equal to the path's job_id."),
      ],
      [
        'another database in logic_db_name (case counts)',
        { ...window, logic_db_name: 'DB_E487' },
        PARAMETER_ERROR("logic_db_name must be a string equal to the path's db_name."),
      ],
      [
        'a project_id that is not a string',
        { ...window, project_id: 7 },
        PARAMETER_ERROR("project_id must be a string equal to the path's project_id."),
      ],
      [
        'is_open_api not a boolean',
        { ...window, is_open_api: 'true' },
        PARAMETER_ERROR('is_open_api must be true or false.'),
      ],
      [
        'a misspelt field, which must not silently mean manual',
        { switch_begin_time: '17:00:00', switch_route_end_time: '18:00:00' },
        PARAMETER_ERROR('switch_begin_time is not a known field.'),
      ],
      ['an array', [], PARAMETER_ERROR('The body must be a JSON object.')],
      ['a JSON string', '"manual"', PARAMETER_ERROR('The body must be a JSON object.')],
      [
        'JSON that does not parse',
        '{"switch_route_begin_time":',
        PARAMETER_ERROR('The body is not valid JSON.'),
      ],
    ];

    it.each(cases)('refuses %s', async (_label, payload, expected) => {
      expect(await strategy(credential, payload)).toEqual({ status: 400, text: expected });
      expect((await stored()).version).toBe(version);
    });

    it('refuses no body at all', async () => {
      expect(await put(credential, 'route-switch-strategy', undefined)).toEqual({
        status: 400,
        text: PARAMETER_ERROR('The body must be a JSON object.'),
      });
      expect((await stored()).version).toBe(version);
    });
  },
);

describe('a body that is not JSON', () => {
  it('is refused with 415 APIGW.0203, changing nothing', async () => {
    const version = (await stored()).version;
    const response = await fetch(`${base}${PATH}/route-switch-strategy`, {
      method: 'PUT',
      headers: { 'x-auth-token': await server.tokenFor('alice'), 'content-type': 'text/plain' },
      body: 'switch_route_begin_time=',
    });
    expect(response.status).toBe(415);
    expect(((await response.json()) as { error_code: string }).error_code).toBe('APIGW.0203');
    expect((await stored()).version).toBe(version);
  });
});
