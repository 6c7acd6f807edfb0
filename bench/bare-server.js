/**
 * Child process: the yardstick, a bare Node `http` server answering every request with one
 * constant JSON body (a real 10-task list response captured from ddm-jobs, so of the same size).
 *
 *   node bench/bare-server.js BODY_FILE
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const bodyFile = process.argv[2];
if (!bodyFile) throw new Error('usage: bare-server.js BODY_FILE');
const body = readFileSync(bodyFile);
const headers = { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length };

const server = createServer((_request, response) => {
  response.writeHead(200, headers);
  response.end(body);
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  // A TCP server's address: an object (a string only for a pipe or socket file).
  if (typeof address !== 'object' || address === null) throw new Error(`listening on ${address}`);
  if (!process.send) throw new Error('bare-server.js needs an IPC channel: bench/children.js starts it');
  const { port } = address;
  process.send({ url: `http://127.0.0.1:${port}`, pid: process.pid });
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
process.once('disconnect', () => process.exit(0));
