import type { FastifyInstance, FastifyReply } from 'fastify';
import { type Clock, systemClock } from '../clock/clock.js';

/**
 * Every answer's `Date` header on the server's clock, when that is not the machine's (the
 * emulator's virtual clock, a test's clock): HTTP's Date is the origin's idea of now, and it is
 * how clients that do not sign in (a token, an access key) learn it. The `ddm-jobs` CLI reads it
 * to compute its windows and relative times on a virtual clock (docs/cli.md, "The server's
 * clock"). On the real clock Node writes the header itself, so nothing is added to that path.
 */
export function installClockDate(app: FastifyInstance, clock: Clock): void {
  if (clock === systemClock) return;
  const stamp = (reply: FastifyReply) => reply.header('date', new Date(clock.now()).toUTCString());
  // onRequest: event streams copy the headers set so far when they open; onSend: again, so a
  // clock move answers with the instant it moved to.
  app.addHook('onRequest', async (_request, reply) => {
    stamp(reply);
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    stamp(reply);
    return payload;
  });
}
