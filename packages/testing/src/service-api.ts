import { EmulatorError } from './errors.js';
import type { ServiceUser } from './identities.js';

/** An answer of the internal API: the status and the parsed JSON body (undefined when empty). */
export interface Answer {
  status: number;
  body: unknown;
}

/**
 * The emulator's internal API, called as its service user with a Keystone token. The token is
 * taken at the first call and taken again when the server refuses it: moving a virtual clock
 * more than 24 hours expires it (401 APIGW.0307), and the helper's own calls must survive that.
 */
export class ServiceApi {
  #token: Promise<string> | undefined;

  constructor(
    readonly endpoint: string,
    private readonly user: ServiceUser,
  ) {}

  /** Sends one call; answers any status, so callers decide what a refusal means. */
  async send(method: string, path: string, body?: unknown): Promise<Answer> {
    let answer = await this.#send(method, path, body, await this.#currentToken());
    if (answer.status === 401) {
      this.#token = undefined;
      answer = await this.#send(method, path, body, await this.#currentToken());
    }
    return answer;
  }

  /** Sends one call and answers its body, or throws an EmulatorError naming the call. */
  async call<T>(method: string, path: string, body?: unknown, expected = [200, 201, 204]): Promise<T> {
    const answer = await this.send(method, path, body);
    if (!expected.includes(answer.status)) throw refusal(`${method} ${path}`, answer);
    return answer.body as T;
  }

  #currentToken(): Promise<string> {
    this.#token ??= this.#signIn().catch((error: unknown) => {
      this.#token = undefined;
      throw error;
    });
    return this.#token;
  }

  async #signIn(): Promise<string> {
    const { username, password, domainName, projectName } = this.user;
    const response = await fetch(`${this.endpoint}/v3/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: {
            methods: ['password'],
            password: { user: { name: username, domain: { name: domainName }, password } },
          },
          scope: { project: { name: projectName, domain: { name: domainName } } },
        },
      }),
    });
    const token = response.headers.get('x-subject-token');
    if (response.status !== 201 || !token)
      throw refusal("the emulator's service sign-in", await readAnswer(response));
    return token;
  }

  async #send(method: string, path: string, body: unknown, token: string): Promise<Answer> {
    const response = await fetch(`${this.endpoint}${path}`, {
      method,
      headers: {
        'x-auth-token': token,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return readAnswer(response);
  }
}

async function readAnswer(response: Response): Promise<Answer> {
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, body };
}

/** An EmulatorError from a refused call, with the house's `error_code` and `error_msg`. */
export function refusal(what: string, answer: Answer): EmulatorError {
  const body = (answer.body ?? {}) as { error_code?: unknown; error_msg?: unknown };
  const code = typeof body.error_code === 'string' ? body.error_code : undefined;
  const message = typeof body.error_msg === 'string' ? body.error_msg : JSON.stringify(answer.body);
  return new EmulatorError(
    `${what} answered ${answer.status}${code ? ` ${code}` : ''}: ${message}`,
    answer.status,
    code,
  );
}
