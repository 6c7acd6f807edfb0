import type { DdmClient } from '@ddm-jobs/client';

/**
 * "Now" on the server's clock, as the tenant commands reckon windows, relative times and
 * signature dates (docs/cli.md, "The server's clock"). Every answer's `Date` header tells the
 * server's time to the second; ddm-jobs' emulator writes its virtual clock there, so `list`,
 * `watch` and the tables follow a virtual clock as the console does, and a machine whose clock
 * is off still asks for the right window.
 */
export class ServerClock {
  #offsetMs = 0;
  /** The origins whose answers were read: the IAM's clock may not be the DDM endpoint's. */
  readonly #origins = new Set<string>();
  readonly #fetch: typeof fetch;

  constructor(base: typeof fetch = globalThis.fetch.bind(globalThis)) {
    this.#fetch = base;
  }

  /** Now on the server's clock, as far as the answers seen so far tell. */
  readonly now = (): number => Date.now() + this.#offsetMs;

  /** A fetch for the SDK that reads the `Date` of every answer it passes on. */
  readonly fetch: typeof fetch = async (input, init) => {
    const sentAt = Date.now();
    const response = await this.#fetch(input, init);
    this.observe(response.headers.get('date'), sentAt, Date.now());
    this.#origins.add(new URL(input instanceof Request ? input.url : String(input)).origin);
    return response;
  };

  /**
   * Learns the clock from one answer's `Date`, sent at some moment between `sentAt` and
   * `receivedAt` (this machine's clock). The header drops the milliseconds, so the server's now
   * lies in `[date, date + 1s)` when it answered: when this machine's clock fits that, it is
   * kept as it is (no jitter of a second between answers); otherwise the latest instant the
   * server's clock can show is taken, since a window that ends a little late still holds the
   * task created a moment ago, and one that ends early would miss it.
   */
  observe(dateHeader: string | null, sentAt: number, receivedAt: number): void {
    const date = dateHeader === null ? Number.NaN : Date.parse(dateHeader);
    if (Number.isNaN(date)) return;
    const latest = date + 1000 - sentAt;
    const earliest = date - receivedAt;
    this.#offsetMs = earliest <= 0 && latest >= 0 ? 0 : latest;
  }

  /**
   * Makes sure the DDM endpoint answered before "now" is used: when it has not, a HEAD request
   * to it, unauthenticated (any answer has a Date; with password auth and no endpoint set,
   * learning the endpoint signs in first). A HEAD that fails leaves the clock as it was: the
   * command's own request then reports the network error.
   */
  async sync(client: DdmClient, timeoutMs: number): Promise<void> {
    const endpoint = await client.endpoint();
    if (this.#origins.has(new URL(endpoint).origin)) return;
    await this.fetch(endpoint, { method: 'HEAD', signal: AbortSignal.timeout(timeoutMs) }).catch(() => {});
  }
}
