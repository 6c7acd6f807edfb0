import { generatePassword } from '@ddm-jobs/server/admin';
import { Option } from 'commander';
import { parsePassword } from './arguments.js';
import { IamError } from './iam-error.js';

export interface PasswordOptions {
  password?: string;
  passwordStdin?: boolean;
}

/**
 * Reads a password piped on stdin (`--password-stdin`), so it stays out of the process list and
 * the shell history. One trailing newline is dropped, as `echo` and here-strings add one.
 */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const password = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (password.length < 1 || password.length > 1024)
    throw new IamError('the password on stdin must be 1 to 1024 characters');
  return password;
}

/** The password the options give; `generated` is set when none was given and one was made up. */
export async function passwordFrom(
  options: PasswordOptions,
): Promise<{ password: string; generated: boolean } | undefined> {
  if (options.password !== undefined) return { password: options.password, generated: false };
  if (options.passwordStdin) return { password: await readStdin(), generated: false };
  return undefined;
}

export async function passwordOrGenerated(options: PasswordOptions) {
  return (await passwordFrom(options)) ?? { password: generatePassword(), generated: true };
}

export const passwordOptions = (what: string): [Option, Option] => [
  new Option('--password <password>', `${what} (visible in the process list: prefer --password-stdin)`)
    .argParser(parsePassword)
    .conflicts('passwordStdin'),
  new Option('--password-stdin', `read ${what} from stdin`),
];
