import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayErrorText, HOUR, requestIdOf } from '../support/api.js';
import { PROJECT_A, startTestServer, type TestServer } from '../support/harness.js';
import { parseAnswer, rawExchange } from '../support/raw-http.js';

// What the gateway itself answers: wrong methods, bodies the API cannot read, requests that are
// not HTTP. Every answer is a gateway error body with its request id, never a framework's page.

const METHOD_NOT_ALLOWED = [
  'DDMJOBS.0405',
  'The API does not support this method; see the Allow header',
] as const;
const MEDIA_TYPE = ['APIGW.0203', 'Unsupported media type: send application/json'] as const;

describe('the gateway shapes', () => {
  let server: TestServer;
  let port: number;
  beforeAll(async () => {
    server = await startTestServer();
    await server.app.listen({ host: '127.0.0.1', port: 0 });
    port = (server.app.server.address() as { port: number }).port;
  });
  afterAll(() => server.close());

  const listPath = () => {
    const now = server.clock.now();
    return `/v3/${PROJECT_A}/jobs?start_time=${now - HOUR}&end_time=${now}`;
  };

  describe('a known path with another method', () => {
    it.each([
      ['DELETE', `/v3/${PROJECT_A}/jobs`, 'GET, HEAD'],
      ['POST', `/v3/${PROJECT_A}/jobs/6b7a3f2e-1c2d-4e5f-8a9b-0c1d2e3f4a5b`, 'GET, HEAD'],
      ['PUT', '/v3/auth/tokens', 'GET, HEAD, POST'],
      ['GET', '/internal/v1/jobs', 'POST'],
      ['OPTIONS', '/internal/v1/jobs', 'POST'],
      ['POST', '/healthz', 'GET, HEAD'],
    ] as const)('%s %s is 405 DDMJOBS.0405 with Allow: %s', async (method, url, allow) => {
      const response = await server.app.inject({ method, url });
      expect(response.statusCode).toBe(405);
      expect(response.headers.allow).toBe(allow);
      expect(response.body).toBe(
        gatewayErrorText(METHOD_NOT_ALLOWED[0], METHOD_NOT_ALLOWED[1], requestIdOf(response)),
      );
    });

    it('is refused before any authentication: no token is needed to learn the methods', async () => {
      const response = await server.app.inject({
        method: 'PATCH',
        url: `/v3/${PROJECT_A}/jobs`,
        headers: { 'x-auth-token': 'not a token' },
      });
      expect(response.statusCode).toBe(405);
    });

    it('an unknown path stays 404 APIGW.0101, whatever the method', async () => {
      for (const method of ['GET', 'DELETE'] as const) {
        const response = await server.app.inject({ method, url: `/v3/${PROJECT_A}/tasks` });
        expect(response.statusCode).toBe(404);
        expect(response.headers.allow).toBeUndefined();
        expect(response.json().error_code).toBe('APIGW.0101');
      }
    });
  });

  describe('bodies', () => {
    const post = async (headers: Record<string, string>, payload: string | Buffer) =>
      server.app.inject({
        method: 'POST',
        url: '/internal/v1/jobs',
        headers: { 'x-auth-token': await server.tokenFor('worker'), ...headers },
        payload,
      });

    it.each([
      'application/json; charset=latin1',
      'application/json; charset=utf-16',
      'application/json; charset="nonsense"',
    ])('refuses %s with 415 APIGW.0203: JSON is UTF-8', async (contentType) => {
      const response = await post({ 'content-type': contentType }, '{}');
      expect(response.statusCode).toBe(415);
      expect(response.body).toBe(gatewayErrorText(MEDIA_TYPE[0], MEDIA_TYPE[1], requestIdOf(response)));
    });

    it('accepts a charset that says UTF-8, in any spelling', async () => {
      for (const contentType of ['application/json; charset=UTF-8', 'application/json;charset="utf8"']) {
        const response = await post({ 'content-type': contentType }, '{}');
        expect(response.statusCode).toBe(400); // read, and found wanting: project_id is missing
        expect(response.json().error_code).toBe('DBS.280001');
      }
    });

    it('refuses a compressed body with 415 APIGW.0203 rather than parsing its bytes', async () => {
      const response = await post({ 'content-type': 'application/json', 'content-encoding': 'gzip' }, '{}');
      expect(response.statusCode).toBe(415);
      expect(response.json().error_code).toBe('APIGW.0203');
    });

    it('refuses bytes that are not UTF-8 as invalid JSON (400 DBS.280001)', async () => {
      const response = await post({ 'content-type': 'application/json' }, Buffer.from([0x7b, 0xff, 0x7d]));
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({
        error_code: 'DBS.280001',
        error_msg: 'Parameter error. The body is not valid JSON.',
      });
    });

    it('ignores the body of a GET, whatever its type: the list answers as without it', async () => {
      const token = await server.tokenFor('alice');
      const plain = await server.app.inject({ url: listPath(), headers: { 'x-auth-token': token } });
      for (const contentType of ['application/json; charset=latin1', 'text/xml']) {
        const response = await server.app.inject({
          url: listPath(),
          headers: { 'x-auth-token': token, 'content-type': contentType },
          payload: '<not json/>',
        });
        expect(response.statusCode).toBe(200);
        expect(response.body).toBe(plain.body);
      }
    });
  });

  describe('requests that are not well-formed HTTP', () => {
    const post = (headers: string, body: string) =>
      `POST /internal/v1/jobs HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n${headers}\r\n${body}`;

    it.each([
      ['a Content-Length that is not a number', post('Content-Length: abc\r\n', '{}')],
      ['two different Content-Lengths', post('Content-Length: 2\r\nContent-Length: 3\r\n', '{}')],
      ['a broken chunk size', post('Transfer-Encoding: chunked\r\n', 'zz\r\n{}\r\n0\r\n\r\n')],
      ['a request line that is not HTTP', 'HELLO THERE\r\n\r\n'],
    ])('answers %s with 400 APIGW.0201 in the gateway shape', async (_case, request) => {
      const answer = parseAnswer(await rawExchange(port, request));
      expect(answer.status).toBe(400);
      expect(answer.headers['content-type']).toBe('application/json');
      expect(answer.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
      expect(answer.body).toBe(
        gatewayErrorText('APIGW.0201', 'API request error', answer.headers['x-request-id'] as string),
      );
    });

    it('answers headers past the size limit with 431 APIGW.0201', async () => {
      const request = `GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Padding: ${'a'.repeat(20_000)}\r\n\r\n`;
      const answer = parseAnswer(await rawExchange(port, request));
      expect(answer.status).toBe(431);
      expect(JSON.parse(answer.body)).toEqual({
        error_code: 'APIGW.0201',
        error_msg: 'Request header fields too large',
        request_id: answer.headers['x-request-id'],
      });
    });
  });
});
