/** Types of crash-cycles.js, for the test that runs it (test/hardening/crash-durability.test.ts). */
export interface IntegrityCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface CrashTestResult {
  database: 'sqlite' | 'postgres';
  cycles: number;
  perCycle: { cycle: number; afterMs: number; acknowledged: number }[];
  seconds: number;
  acknowledged: number;
  tasksCreated: number;
  tasksCompleted: number;
  failedRequests: number;
  checked: number;
  tasksChecked: number;
  lost: number;
  unanswered: number;
  committedUnanswered: number;
  problems: string[];
  integrity: { ok: boolean; checks: IntegrityCheck[] };
  ok: boolean;
}

export function runCrashTest(options: {
  database: 'sqlite' | 'postgres';
  databaseUrl?: string | undefined;
  kills: number;
  minSeconds: number;
  maxSeconds: number;
  connections?: number;
  log?: (line: string) => void;
}): Promise<CrashTestResult>;
