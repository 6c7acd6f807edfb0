/** Types of verify-journal.js. */
export function verifyJournal(
  url: string,
  token: string,
  journalFile: string,
): Promise<{
  writes: number;
  checked: number;
  lost: number;
  unanswered: number;
  tasks: number;
  tasksChecked: number;
  problems: string[];
}>;
