import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { stopProcess } from '../../scripts/serve-process.js';
import { REPO } from '../support/processes.js';

// Debian's nginx as a child process of the test, configured with the very block
// docs/deployment.md gives (only its ports and file paths changed), in a folder of its own: its
// configuration, pid file, logs and temporary files, so that it needs nothing of the machine's.

export const NGINX = existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx';

/** The nginx block of docs/deployment.md, as written. */
export function documentedNginxBlock(): string {
  const doc = readFileSync(join(REPO, 'docs/deployment.md'), 'utf8');
  const block = /```nginx\n([\s\S]*?)```/.exec(doc)?.[1];
  if (!block) throw new Error('docs/deployment.md has no ```nginx block');
  return block;
}

/** Replaces `from` in `text` by `to`, failing if the documented block no longer holds `from`. */
function substitute(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`docs/deployment.md's nginx block no longer holds ${from}`);
  return text.replaceAll(from, to);
}

export interface NginxProxy {
  child: ChildProcess;
  /** https://127.0.0.1:PORT */
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts nginx on a free port of 127.0.0.1 with TLS (`certFile`, `keyFile`), proxying to the
 * server on `upstreamPort` as docs/deployment.md says; resolves once it accepts connections.
 */
export async function startNginx(options: {
  dir: string;
  upstreamPort: number;
  certFile: string;
  keyFile: string;
}): Promise<NginxProxy> {
  const { dir } = options;
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  let site = documentedNginxBlock();
  site = substitute(site, 'server 127.0.0.1:8080;', `server 127.0.0.1:${options.upstreamPort};`);
  site = substitute(site, 'listen 443 ssl;', `listen 127.0.0.1:${port} ssl;`);
  site = substitute(site, '/etc/ssl/certs/ddm-jobs.pem', options.certFile);
  site = substitute(site, '/etc/ssl/private/ddm-jobs.key', options.keyFile);
  // As root (CI), nginx's workers would run as `nobody`, who may not enter the temporary folder.
  const user = process.getuid?.() === 0 ? 'user root root;' : '';
  const conf = `${user}
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 256; }
http {
  access_log ${join(dir, 'access.log')};
  client_body_temp_path ${join(dir, 'body')};
  proxy_temp_path ${join(dir, 'proxy')};
  fastcgi_temp_path ${join(dir, 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'uwsgi')};
  scgi_temp_path ${join(dir, 'scgi')};
${site}
}
`;
  const confFile = join(dir, 'nginx.conf');
  writeFileSync(confFile, conf);
  const child = spawn(NGINX, ['-p', dir, '-e', join(dir, 'error.log'), '-c', confFile, '-g', 'daemon off;'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const stop = () => stopProcess(child, 5_000);
  try {
    await untilListening(port, child, () => `${output}${readIfThere(join(dir, 'error.log'))}`);
  } catch (error) {
    await stop();
    throw error;
  }
  return { child, url: `https://127.0.0.1:${port}`, stop };
}

function readIfThere(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

/** A port free on 127.0.0.1 now (the kernel's pick). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Resolves once a TCP connection to the port succeeds; rejects if nginx exits or 10 s pass. */
async function untilListening(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`nginx exited (${child.exitCode}): ${output()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`nginx did not listen on ${port} within 10 s: ${output()}`);
}
