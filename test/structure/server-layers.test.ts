import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

// The server's folders form layers, top to bottom: the wiring (the files at the top of src/) ->
// routes -> http -> the domain (simulator over jobs, identity, throttling) -> store -> clock and
// errors. A folder imports only from folders below it (packages/server/README.md draws the map).

const SRC = join(import.meta.dirname, '../../packages/server/src');

/** The folders of the domain: none of them may import the HTTP layer or the routes. */
const DOMAIN = ['faults', 'jobs', 'identity', 'shards', 'simulator', 'throttling'];
/** What each folder must never import, beyond what the acyclic graph already forbids. */
const FORBIDDEN: Record<string, string[]> = {
  store: ['jobs', 'shards', 'simulator', 'routes', 'http', 'identity', 'throttling'],
  clock: ['*'],
  errors: ['*'],
  ...Object.fromEntries(DOMAIN.map((folder) => [folder, ['http', 'routes']])),
};
const ROOT = '(top)';

/** Every source file under src/, tests aside, as its path relative to src/ and its text. */
function sources(dir = SRC): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) for (const [name, text] of sources(path)) files.set(name, text);
    else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.test.ts'))
      files.set(relative(SRC, path), readFileSync(path, 'utf8'));
  }
  return files;
}

/** The relative module specifiers a file imports: static, re-exported, side-effect or dynamic. */
function importsOf(text: string): string[] {
  const found: string[] = [];
  const patterns = [/\bfrom\s+'(\.[^']*)'/g, /\bimport\s+'(\.[^']*)'/g, /\bimport\(\s*'(\.[^']*)'\s*\)/g];
  for (const pattern of patterns) for (const match of text.matchAll(pattern)) found.push(match[1] as string);
  return found;
}

/** The folder a path under src/ belongs to: its first segment, or the top for files at the top. */
const folderOf = (path: string) => (path.includes(sep) ? (path.split(sep)[0] as string) : ROOT);

/** Folder -> the other folders it imports from, each with one file that does it (for the message). */
function folderGraph(files: Map<string, string>): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const [path, text] of files) {
    const from = folderOf(path);
    const edges = graph.get(from) ?? new Map<string, string>();
    graph.set(from, edges);
    for (const specifier of importsOf(text)) {
      const target = relative(SRC, resolve(SRC, dirname(path), specifier));
      const to = folderOf(target);
      if (to !== from && !edges.has(to)) edges.set(to, `${path} imports ${specifier}`);
    }
  }
  return graph;
}

/** A cycle of folders, as the import that makes each step of it, or undefined when there is none. */
function findCycle(graph: Map<string, Map<string, string>>): string[] | undefined {
  const done = new Set<string>();
  // The folders being visited, and the import leading from each to the next.
  const path: string[] = [];
  const steps: string[] = [];
  const visit = (folder: string): string[] | undefined => {
    path.push(folder);
    for (const [next, why] of graph.get(folder) ?? []) {
      const open = path.indexOf(next);
      if (open !== -1) return [...steps.slice(open), why];
      if (done.has(next)) continue;
      steps.push(why);
      const cycle = visit(next);
      if (cycle) return cycle;
      steps.pop();
    }
    path.pop();
    done.add(folder);
    return undefined;
  };
  for (const folder of graph.keys()) {
    const cycle = done.has(folder) ? undefined : visit(folder);
    if (cycle) return cycle;
  }
  return undefined;
}

/** Every breach of the layers: a cycle between folders, or an import a folder must never make. */
function layerViolations(files: Map<string, string>): string[] {
  const graph = folderGraph(files);
  const violations: string[] = [];
  const cycle = findCycle(graph);
  if (cycle) violations.push(`a cycle of folders: ${cycle.join(', then ')}`);
  for (const [folder, edges] of graph) {
    const forbidden = FORBIDDEN[folder] ?? [];
    for (const [to, why] of edges) {
      if (forbidden.includes('*') || forbidden.includes(to))
        violations.push(`${folder} must not import ${to}: ${why}`);
    }
  }
  return violations;
}

describe('the server source', () => {
  it('has no cycle between folders, no import from the store up, none from the domain into http', () => {
    expect(layerViolations(sources())).toEqual([]);
  });

  it('reads the imports the check is about from the real tree', () => {
    const graph = folderGraph(sources());
    // If these vanished, the check would pass on nothing.
    expect([...(graph.get('routes')?.keys() ?? [])]).toEqual(
      expect.arrayContaining(['http', 'jobs', 'store']),
    );
    expect([...(graph.get(ROOT)?.keys() ?? [])]).toContain('routes');
    expect([...(graph.get('jobs')?.keys() ?? [])]).toContain('store');
  });

  describe('fails on a change that breaks the layers', () => {
    const withFile = (path: string, text: string) => new Map([...sources(), [path, text]]);

    it('the store importing the task domain', () => {
      const files = withFile(
        join('store', 'renderer.ts'),
        "import { toInternalJob } from '../jobs/internal-job.js';\n",
      );
      expect(layerViolations(files)).toEqual(
        expect.arrayContaining([
          expect.stringContaining(
            'store must not import jobs: store/renderer.ts imports ../jobs/internal-job.js',
          ),
        ]),
      );
    });

    it('a domain folder importing the HTTP layer, statically or dynamically', () => {
      const files = withFile(
        join('jobs', 'late.ts'),
        "export const load = () => import('../http/sse.js');\n",
      );
      expect(layerViolations(files)).toEqual(
        expect.arrayContaining([expect.stringContaining('jobs must not import http')]),
      );
    });

    it('a cycle between two domain folders, which no other rule forbids', () => {
      const files = withFile(
        join('jobs', 'demo.ts'),
        "export { recordDemoTasks } from '../simulator/demo.js';\n",
      );
      expect(layerViolations(files)).toEqual([
        'a cycle of folders: jobs/demo.ts imports ../simulator/demo.js, then simulator/apply.ts imports ../jobs/producer.js',
      ]);
    });
  });
});
