/**
 * Summarizes a V8 CPU profile (from `node bench/run.js list --profile`): where the busy time went,
 * by function (self and inclusive) and by origin (fastify, better-sqlite3, node internals...).
 * With a request count, also in µs per request.
 *
 *   node bench/profile-summary.js FILE.cpuprofile [REQUESTS] [TOP]
 */
import { readFileSync } from 'node:fs';

const [file, requestsArg, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/profile-summary.js FILE.cpuprofile [REQUESTS] [TOP]');
  process.exit(2);
}
const requests = Number(requestsArg ?? 0);
const top = Number(topArg ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8'));

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

function origin(url) {
  if (!url) return '(native/V8)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const own = /packages\/([^/]+)\/dist\/(.*)$/.exec(url);
  if (own) return `@ddm-jobs/${own[1]}`;
  if (url.startsWith('node:')) return 'node internals';
  return url;
}
const keyOf = (n) => {
  const f = n.callFrame;
  const where = f.url ? `${f.url.replace(/^.*\/(node_modules|packages)\//, '$1/')}:${f.lineNumber + 1}` : '';
  return `${f.functionName || '(anonymous)'} ${where}`.trim();
};

const self = new Map();
const inclusive = new Map();
const origins = new Map();
let busy = 0;
let idle = 0;
const add = (map, key, us) => map.set(key, (map.get(key) ?? 0) + us);
profile.samples.forEach((id, i) => {
  const us = profile.timeDeltas[i + 1] ?? 0;
  const node = byId.get(id);
  const name = node.callFrame.functionName;
  if (name === '(idle)') {
    idle += us;
    return;
  }
  busy += us;
  add(self, keyOf(node), us);
  add(origins, name.startsWith('(') ? name : origin(node.callFrame.url), us);
  const seen = new Set();
  for (let at = id; at !== undefined; at = parent.get(at)) {
    const key = keyOf(byId.get(at));
    if (!seen.has(key)) {
      seen.add(key);
      add(inclusive, key, us);
    }
  }
});

const fmt = (us) => {
  const share = `${((100 * us) / busy).toFixed(1).padStart(5)}%`;
  return requests > 0 ? `${share} ${(us / requests).toFixed(1).padStart(7)} µs/req` : share;
};
const print = (title, map, n) => {
  console.log(`\n${title}`);
  for (const [key, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, n))
    console.log(`  ${fmt(us)}  ${key}`);
};

console.log(
  `busy ${(busy / 1e6).toFixed(2)} s, idle ${(idle / 1e6).toFixed(2)} s` +
    (requests ? `, ${requests} requests` : ''),
);
print('by origin (self time)', origins, 20);
print('by function, self time', self, top);
print('by function, inclusive time', inclusive, top);
