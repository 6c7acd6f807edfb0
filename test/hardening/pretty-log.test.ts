import { createLogger } from '@ddm-jobs/server';
import { describe, expect, it } from 'vitest';
import { prettyLogStream } from '../../packages/server/src/pretty-log.js';

/**
 * `--log-format pretty` rewrites the logger's records after redaction: a secret a later change
 * might log is `[Redacted]` there too, an error keeps its stack, and no line it writes is JSON.
 * (The request and start-up lines are asserted on a real process in test/cli/serve-log-format.)
 */
describe('the pretty log format', () => {
  it('keeps the redaction, shows an error with its stack, and writes no JSON line', () => {
    let text = '';
    const logger = createLogger('info', prettyLogStream({ write: (chunk: string) => (text += chunk) }));
    logger.info(
      { headers: { authorization: 'Bearer s3cr3t-header' }, body: { password: 'pa55-body' }, job_id: 'j-1' },
      'a careless record',
    );
    logger.child({ req_id: 'abc123' }).error({ err: new Error('database went away') }, 'unexpected failure');

    expect(text).not.toContain('s3cr3t-header');
    expect(text).not.toContain('pa55-body');
    const lines = text.split('\n').filter((line) => line !== '');
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z INFO {2}a careless record /);
    expect(lines[0]).toContain('"[Redacted]"');
    expect(lines[0]).toContain('job_id=j-1');
    expect(lines[1]).toMatch(/ ERROR unexpected failure \[req abc123\]$/);
    expect(lines[2]).toBe('    Error: database went away');
    expect(lines[3]).toMatch(/^ {8}at /);
    for (const line of lines) expect(() => JSON.parse(line), line).toThrow();
  });
});
