import type { Database } from 'better-sqlite3';
import type { Simulation } from '../records.js';

interface SimulationRow {
  job_id: string;
  plan: string;
  step: number;
  step_started_at: number;
}

/** The simulator's records of the tasks it produces. */
export function createSqliteSimulations(db: Database) {
  const save = db.prepare(
    `INSERT INTO simulations (job_id, plan, step, step_started_at) VALUES (@jobId, @plan, @step, @stepStartedAt)
     ON CONFLICT (job_id) DO UPDATE SET plan = excluded.plan, step = excluded.step,
       step_started_at = excluded.step_started_at`,
  );
  const all = db.prepare('SELECT job_id, plan, step, step_started_at FROM simulations ORDER BY job_id');
  const remove = db.prepare('DELETE FROM simulations WHERE job_id = ?');
  // The ids as one JSON array parameter: any number of them with one prepared statement.
  const some = db.prepare(
    'SELECT job_id, plan, step, step_started_at FROM simulations WHERE job_id IN (SELECT value FROM json_each(?))',
  );
  const toSimulation = (row: SimulationRow): Simulation => ({
    jobId: row.job_id,
    plan: row.plan,
    step: row.step,
    stepStartedAt: row.step_started_at,
  });
  return {
    async saveSimulation(simulation: Simulation): Promise<void> {
      save.run(simulation);
    },
    async listSimulations(): Promise<Simulation[]> {
      return (all.all() as SimulationRow[]).map(toSimulation);
    },
    async findSimulations(jobIds: readonly string[]): Promise<Simulation[]> {
      if (jobIds.length === 0) return [];
      return (some.all(JSON.stringify(jobIds)) as SimulationRow[]).map(toSimulation);
    },
    async deleteSimulation(jobId: string): Promise<void> {
      remove.run(jobId);
    },
  };
}
