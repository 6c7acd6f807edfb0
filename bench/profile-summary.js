/**
 * Summarizes a V8 CPU profile (from `node bench/run.js list --profile`): where the busy time went,
 * by function (self and inclusive) and by origin (fastify, better-sqlite3, node internals...).
 * With a request count, also in µs per request.
 *
 *   node bench/profile-summary.js FILE.cpuprofile [REQUESTS] [TOP]
 */
import { readFileSync } from 'node:fs';

/**
 * A node of the call tree, as V8 writes it.
 *
 * @typedef {object} ProfileNode
 * @property {number} id
 * @property {{ functionName: string; url: string; lineNumber: number }} callFrame
 * @property {number[]} [children] ids
 */

/**
 * A .cpuprofile file: the call tree, and which node each sample found running.
 *
 * @typedef {object} CpuProfile
 * @property {ProfileNode[]} nodes
 * @property {number[]} samples node ids
 * @property {number[]} timeDeltas µs before each sample
 */

const [file, requestsArg, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/profile-summary.js FILE.cpuprofile [REQUESTS] [TOP]');
  process.exit(2);
}
const requests = Number(requestsArg ?? 0);
const top = Number(topArg ?? 30);
/** @type {CpuProfile} */
const profile = JSON.parse(readFileSync(file, 'utf8'));

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
/** @param {number} id */
const nodeOf = (id) => {
  const node = byId.get(id);
  if (!node) throw new Error(`${file}: no node ${id}`);
  return node;
};
/** @type {Map<number, number>} */
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

/**
 * @param {string} url
 * @returns {string}
 */
function origin(url) {
  if (!url) return '(native/V8)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg?.[1]) return pkg[1];
  const own = /packages\/([^/]+)\/dist\/(.*)$/.exec(url);
  if (own) return `@ddm-jobs/${own[1]}`;
  if (url.startsWith('node:')) return 'node internals';
  return url;
}
/** @param {ProfileNode} n */
const keyOf = (n) => {
  const f = n.callFrame;
  const where = f.url ? `${f.url.replace(/^.*\/(node_modules|packages)\//, '$1/')}:${f.lineNumber + 1}` : '';
  return `${f.functionName || '(anonymous)'} ${where}`.trim();
};

/** @type {Map<string, number>} */
const self = new Map();
/** @type {Map<string, number>} */
const inclusive = new Map();
/** @type {Map<string, number>} */
const origins = new Map();
let busy = 0;
let idle = 0;
/**
 * @param {Map<string, number>} map
 * @param {string} key
 * @param {number} us
 */
const add = (map, key, us) => map.set(key, (map.get(key) ?? 0) + us);
profile.samples.forEach((id, i) => {
  const us = profile.timeDeltas[i + 1] ?? 0;
  const node = nodeOf(id);
  const name = node.callFrame.functionName;
  if (name === '(idle)') {
    idle += us;
    return;
  }
  busy += us;
  add(self, keyOf(node), us);
  add(origins, name.startsWith('(') ? name : origin(node.callFrame.url), us);
  const seen = new Set();
  for (let at = /** @type {number | undefined} */ (id); at !== undefined; at = parent.get(at)) {
    const key = keyOf(nodeOf(at));
    if (!seen.has(key)) {
      seen.add(key);
      add(inclusive, key, us);
    }
  }
});

/** @param {number} us */
const fmt = (us) => {
  const share = `${((100 * us) / busy).toFixed(1).padStart(5)}%`;
  return requests > 0 ? `${share} ${(us / requests).toFixed(1).padStart(7)} µs/req` : share;
};
/**
 * @param {string} title
 * @param {Map<string, number>} map
 * @param {number} n how many, the largest
 */
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
