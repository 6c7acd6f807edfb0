import type { LogFormat } from '@ddm-jobs/server';

/** Where `serve` writes what it tells people, for the chosen log format. */
export interface StartupOutput {
  format: LogFormat;
  /** The start-up and stop notes (the URL, the store, a curl walk-through, signals). */
  print: (line: string) => void;
  /** The generated admin password, shown once. */
  printSecret: (line: string) => void;
}

/**
 * `pretty`: the notes are plain lines on stdout, beside the log's readable lines. `json`: every
 * stdout line is a JSON record, so the notes become records too (level info, whatever
 * `--log-level`, as the notes were always shown), and the generated admin password goes to
 * stderr, in no record, with a record saying where it went: a log collector keeps records, and
 * a password kept there would outlive its one showing.
 */
export async function startupOutput(format: LogFormat): Promise<StartupOutput> {
  if (format === 'pretty') {
    const print = (line: string) => {
      process.stdout.write(`${line}\n`);
    };
    return { format, print, printSecret: print };
  }
  const { createLogger } = await import('@ddm-jobs/server');
  // Written at once (stdout is synchronous on pipes and files): a note just before the process
  // ends, such as a second signal's, is not lost in a buffer.
  const notes = createLogger('info', { write: (record: string) => process.stdout.write(record) });
  const print = (line: string) => {
    if (line.trim() !== '') notes.info(line);
  };
  let told = false;
  const printSecret = (line: string) => {
    if (!told) print('Created user admin (domain default) with a generated password: shown once, on stderr');
    told = true;
    process.stderr.write(`${line}\n`);
  };
  return { format, print, printSecret };
}
