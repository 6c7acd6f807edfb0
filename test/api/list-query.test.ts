import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, HOUR, listAs, MINUTE, oldestStart, PARAMETER_ERROR } from '../support/api.js';
import { PROJECT_A, startTestServer, type TestServer } from '../support/harness.js';

/** Reference section 2: every rule of the list's query, on both sides of its boundary. */

const stringsOf = (query: Record<string, number | string>) =>
  Object.fromEntries(Object.entries(query).map(([key, value]) => [key, String(value)]));

const RULE = {
  offset: 'offset must be an integer from 0.',
  limit: 'limit must be an integer from 1 to 128.',
  start_time: 'start_time must be an integer number of epoch milliseconds, not earlier than 30 days ago.',
  end_time: 'end_time must be an integer number of epoch milliseconds, not earlier than start_time.',
} as const;

describe('the query of GET /v3/{project_id}/jobs', () => {
  let server: TestServer;
  let now: number;
  /** A valid window holding the one recorded task. */
  let window: { start_time: number; end_time: number };
  let taskCreatedAt: number;
  let taskId: string;

  const list = (query: Record<string, string | number> | string) => listAs(server, 'alice', PROJECT_A, query);
  const expectParameterError = async (query: Record<string, string | number> | string, detail: string) => {
    const response = await list(query);
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.body).toBe(PARAMETER_ERROR(detail));
  };

  beforeAll(async () => {
    server = await startTestServer();
    now = server.clock.now();
    taskCreatedAt = now - 2 * HOUR;
    taskId = String((await server.record({ name: 'CreateInstance', created_at: taskCreatedAt })).id);
    window = { start_time: now - DAY, end_time: now };
  });
  afterAll(() => server.close());

  describe('offset', () => {
    it('rejects an offset of -1 with DBS.280001', () =>
      expectParameterError({ ...window, offset: -1 }, RULE.offset));

    it('accepts an offset of 0 and echoes it', async () => {
      const response = await list({ ...window, offset: 0 });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ offset: 0, total: 1 });
    });

    it('accepts the largest safe integer as offset, giving no tasks and the right total', async () => {
      const response = await list({ ...window, offset: Number.MAX_SAFE_INTEGER });
      expect(response.body).toBe(`{"jobs":[],"offset":${Number.MAX_SAFE_INTEGER},"limit":10,"total":1}`);
    });
  });

  describe('limit', () => {
    it('rejects a limit of 0 with DBS.280001', () =>
      expectParameterError({ ...window, limit: 0 }, RULE.limit));

    it('rejects a limit of 129 with DBS.280001', () =>
      expectParameterError({ ...window, limit: 129 }, RULE.limit));

    it.each([1, 128])('accepts a limit of %i and echoes it', async (limit) => {
      const response = await list({ ...window, limit });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ limit, offset: 0, total: 1 });
    });
  });

  it('echoes the default offset 0 and limit 10 when neither is sent', async () => {
    const response = await list(window);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(Object.keys(body)).toEqual(['jobs', 'offset', 'limit', 'total']);
    expect([body.offset, body.limit, body.total]).toEqual([0, 10, 1]);
  });

  describe('start_time', () => {
    it('accepts a start_time of exactly now − 30 days − 5 minutes', async () => {
      const response = await list({ start_time: oldestStart(now), end_time: now });
      expect(response.statusCode).toBe(200);
      expect(response.json().total).toBe(1);
    });

    it('rejects a start_time 1 ms earlier than now − 30 days − 5 minutes with DBS.280001', () =>
      expectParameterError({ start_time: oldestStart(now) - 1, end_time: now }, RULE.start_time));

    it('judges the 30 days on the server clock, which moves', async () => {
      const start = oldestStart(now);
      server.clock.advance(1);
      try {
        await expectParameterError({ start_time: start, end_time: now }, RULE.start_time);
      } finally {
        server.clock.advance(-1);
      }
    });

    it('rejects a missing start_time with DBS.280001', () =>
      expectParameterError({ end_time: now }, 'start_time is required.'));
  });

  describe('end_time', () => {
    it('accepts an end_time equal to start_time', async () => {
      const response = await list({ start_time: taskCreatedAt, end_time: taskCreatedAt });
      expect(response.statusCode).toBe(200);
      expect(response.json().total).toBe(1);
    });

    it('rejects an end_time 1 ms before start_time with DBS.280001', () =>
      expectParameterError({ start_time: taskCreatedAt, end_time: taskCreatedAt - 1 }, RULE.end_time));

    it('accepts an end_time in the future', async () => {
      const response = await list({ start_time: now - DAY, end_time: now + 365 * DAY });
      expect(response.statusCode).toBe(200);
      expect(response.json().total).toBe(1);
    });

    it('accepts a start_time in the future, which selects nothing yet', async () => {
      const response = await list({ start_time: now + MINUTE, end_time: now + DAY });
      expect(response.body).toBe('{"jobs":[],"offset":0,"limit":10,"total":0}');
    });

    it('rejects a missing end_time with DBS.280001', () =>
      expectParameterError({ start_time: now - DAY }, 'end_time is required.'));
  });

  describe('the window', () => {
    it('includes a task created exactly at start_time', async () => {
      const response = await list({ start_time: taskCreatedAt, end_time: now });
      expect(response.json().jobs.map((job: { id: string }) => job.id)).toEqual([taskId]);
    });

    it('includes a task created exactly at end_time', async () => {
      const response = await list({ start_time: now - DAY, end_time: taskCreatedAt });
      expect(response.json().jobs.map((job: { id: string }) => job.id)).toEqual([taskId]);
    });

    it('excludes a task created 1 ms before start_time', async () => {
      const response = await list({ start_time: taskCreatedAt + 1, end_time: now });
      expect(response.json().total).toBe(0);
    });

    it('excludes a task created 1 ms after end_time', async () => {
      const response = await list({ start_time: now - DAY, end_time: taskCreatedAt - 1 });
      expect(response.json().total).toBe(0);
    });
  });

  describe('integers are an optional minus and decimal digits only', () => {
    // Each parameter with a value that is valid, and the ways to spoil it.
    const valid = () => ({
      offset: '0',
      limit: '5',
      start_time: String(now - DAY),
      end_time: String(now),
    });
    const spoilers: [string, (value: string) => string][] = [
      ['a fraction', (v) => `${v}.0`],
      ['an exponent', (v) => `${v}e0`],
      ['a leading space', (v) => `%20${v}`],
      ['a trailing space', (v) => `${v}%20`],
      ['a plus sign', (v) => `%2B${v}`],
      ['a plus sign sent raw (a space once decoded)', (v) => `+${v}`],
      ['hexadecimal', () => '0x10'],
      ['an empty value', () => ''],
      ['non-ASCII digits', () => '%EF%BC%91'],
      ['a lone minus', () => '-'],
      ['a value beyond the safe integers', () => '9007199254740992'],
      ['twenty-one digits', () => '100000000000000000000'],
    ];
    for (const param of ['offset', 'limit', 'start_time', 'end_time'] as const) {
      it.each(spoilers)(`rejects ${param} with %s with DBS.280001`, async (_what, spoil) => {
        const query = { ...valid(), [param]: spoil(valid()[param]) };
        await expectParameterError(query, RULE[param]);
      });

      it(`rejects ${param} given twice, even with the same value, with DBS.280001`, async () => {
        const values = valid();
        const text = `${new URLSearchParams(values).toString()}&${param}=${values[param]}`;
        await expectParameterError(text, RULE[param]);
      });

      it(`rejects ${param} sent without a value with DBS.280001`, async () => {
        const { [param]: _dropped, ...rest } = valid();
        await expectParameterError(`${new URLSearchParams(rest).toString()}&${param}`, RULE[param]);
      });
    }

    it('accepts leading zeros, which are still decimal digits', async () => {
      const response = await list({ ...window, limit: '007' });
      expect(response.statusCode).toBe(200);
      expect(response.json().limit).toBe(7);
    });

    it('reads -0 as an offset of 0', async () => {
      const response = await list({ ...window, offset: '-0' });
      expect(response.statusCode).toBe(200);
      expect(response.json().offset).toBe(0);
    });
  });

  it('ignores unknown parameters, including look-alikes of the real ones', async () => {
    const unknown =
      'page=x&Limit=999&OFFSET=-1&limit%20=0&__proto__=1&constructor=x&Status=Failed&state=Running&limit[]=0';
    const response = await list(`${new URLSearchParams(stringsOf(window)).toString()}&${unknown}`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ offset: 0, limit: 10, total: 1 });
  });

  it('checks the parameters in the documented order: offset, limit, start_time, end_time', async () => {
    await expectParameterError({ offset: -1, limit: 0, end_time: 1 }, RULE.offset);
    await expectParameterError({ limit: 0, end_time: 1 }, RULE.limit);
    await expectParameterError({ start_time: 1, end_time: 'x' }, RULE.start_time);
  });

  it('answers a DDM error without request_id, the request id being in the header only', async () => {
    const response = await list({ ...window, limit: 129 });
    expect(response.body).toBe(
      '{"error_code":"DBS.280001","error_msg":"Parameter error. limit must be an integer from 1 to 128."}',
    );
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
  });
});
