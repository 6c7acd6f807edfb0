import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { codeBlocks } from '../readme/readme-blocks.js';
import { envWithout, REPO, runToEnd } from '../support/processes.js';

// packages/testing/README.md's complete example, run as written: the block under "A complete
// example" saved as a test file of a project of its own, outside the repository, whose
// node_modules are the repository's (so `@ddm-jobs/testing` and `@ddm-jobs/client` are the built
// packages, as a project that installed their tarballs has them), run by vitest in a process of
// its own. Needs `npm run build`.

const README = join(REPO, 'packages/testing/README.md');
const project = mkdtempSync(join(tmpdir(), 'ddm-jobs-testing-readme-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));

it("the README's complete example passes as written", async () => {
  const examples = codeBlocks(readFileSync(README, 'utf8')).filter(
    (block) => block.heading === 'A complete example' && block.language === 'ts',
  );
  expect(examples).toHaveLength(1);
  symlinkSync(join(REPO, 'node_modules'), join(project, 'node_modules'));
  // A config of its own, empty: so that vitest looks for none in the folders above.
  writeFileSync(join(project, 'vitest.config.mjs'), 'export default {};\n');
  writeFileSync(join(project, 'example.test.ts'), examples[0]?.code ?? '');
  const run = await runToEnd(
    process.execPath,
    [join(REPO, 'node_modules/vitest/vitest.mjs'), 'run', '--root', project, '--reporter', 'verbose'],
    { cwd: project, env: { ...envWithout('DDM_JOBS_'), FORCE_COLOR: '0', NO_COLOR: '1' } },
  );
  const output = `${run.stdout}\n${run.stderr}`;
  expect(output, output).toMatch(/Tests\s+3 passed \(3\)/);
  expect(run.code, output).toBe(0);
}, 120_000);
