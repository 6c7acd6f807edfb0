/**
 * Child process: the real ddm-jobs server (startServer, as `ddm-jobs serve` runs it) on a seeded
 * data folder, on a free port of 127.0.0.1, logging at level warn. Tells its parent its URL.
 *
 *   node bench/api-server.js DATA_DIR [DATABASE_URL SCHEMA]
 */
import { closeOnSignals, startServer } from '@ddm-jobs/server';

const [dataDir, databaseUrl, databaseSchema] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: api-server.js DATA_DIR [DATABASE_URL SCHEMA]');

const print = () => {};
const server = await startServer({
  host: '127.0.0.1',
  port: 0,
  dataDir,
  databaseUrl,
  databaseSchema,
  bootstrapFile: undefined,
  adminPassword: undefined,
  demo: false,
  timeZone: 'UTC',
  publicUrl: undefined,
  region: 'local',
  logLevel: 'warn',
  // The load comes from one token and one address, far past the default rate limits: limits
  // this high keep the throttling code on the path without ever refusing.
  rateLimits: { perCredential: 1e9, perAddress: 1e9 },
  print: () => {},
});
closeOnSignals(server, print);
// Orphaned (the benchmark died): stop rather than linger.
process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
process.send({ url: server.url, pid: process.pid });
