import { closeListening, DAY, listen } from '../client/support.js';
import { PROJECT_A, startTestServer, type TestServer } from '../support/harness.js';

/** An emulator (`emulator: true`) on a real port, and calls to it as the fixture's users. */
export interface FaultyEmulator {
  server: TestServer;
  url: string;
  /** A call to the internal API as the worker (role service): status, headers, parsed body. */
  service(method: string, path: string, body?: unknown): Promise<Answer>;
  /** Adds a fault rule; fails the test unless it is accepted. Answers the rule. */
  fault(rule: unknown): Promise<{ id: string; fired: number; fire: { seed: number } }>;
  /** The last day's tasks of a project (A by default) as its tenant (alice on A, bob on B). */
  list(projectId?: string): Promise<Answer>;
  close(): Promise<void>;
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: () => Record<string, unknown>;
}

export const answerOf = async (response: Response): Promise<Answer> => {
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
};

export async function startFaultyEmulator(options: { emulator?: boolean } = {}): Promise<FaultyEmulator> {
  const server = await startTestServer({ emulator: options.emulator ?? true });
  const url = await listen(server);
  const service: FaultyEmulator['service'] = async (method, path, body) =>
    answerOf(
      await fetch(`${url}${path}`, {
        method,
        headers: {
          'x-auth-token': await server.tokenFor('worker'),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    );
  return {
    server,
    url,
    service,
    async fault(rule) {
      const answer = await service('POST', '/internal/v1/faults', rule);
      if (answer.status !== 201) throw new Error(`fault refused: ${answer.status} ${answer.text}`);
      return answer.json().fault as { id: string; fired: number; fire: { seed: number } };
    },
    async list(projectId = PROJECT_A) {
      const now = server.clock.now();
      const user = projectId === PROJECT_A ? 'alice' : 'bob';
      return answerOf(
        await fetch(`${url}/v3/${projectId}/jobs?start_time=${now - DAY}&end_time=${now}`, {
          headers: { 'x-auth-token': await server.tokenFor(user, projectId) },
        }),
      );
    },
    close: () => closeListening(server),
  };
}
