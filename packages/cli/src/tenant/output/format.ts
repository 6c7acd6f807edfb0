import { Option } from 'commander';
import { yaml } from '../../yaml.js';

export type OutputFormat = 'table' | 'json' | 'yaml';

/** `-o, --output`: a view for people (the default), or the API's data for scripts. */
export const outputOption = () =>
  new Option('-o, --output <format>', 'table (for people), or json or yaml: the tasks as the API gives them')
    .choices(['table', 'json', 'yaml'])
    .default('table');

/** Writes one line to stdout. */
export function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

/**
 * The data itself for scripts: JSON pretty-printed, or YAML. Keys keep the API's names and
 * order, so a script written against the API reads the CLI's output the same way.
 */
export function printData(format: 'json' | 'yaml', data: unknown): void {
  if (format === 'json') print(JSON.stringify(data, null, 2));
  else process.stdout.write(yaml().stringify(data));
}
