import type pg from 'pg';
import type { Simulation } from '../records.js';

type SimulationRow = [string, string, number, number];

/** The simulator's records of the tasks it produces. */
export function createPostgresSimulations(pool: pg.Pool) {
  return {
    async saveSimulation(simulation: Simulation): Promise<void> {
      await pool.query({
        name: 'simulation-save',
        text: `INSERT INTO simulations (job_id, plan, step, step_started_at) VALUES ($1, $2, $3, $4)
               ON CONFLICT (job_id) DO UPDATE SET plan = excluded.plan, step = excluded.step,
                 step_started_at = excluded.step_started_at`,
        values: [simulation.jobId, simulation.plan, simulation.step, simulation.stepStartedAt],
      });
    },
    async listSimulations(): Promise<Simulation[]> {
      const result = await pool.query<SimulationRow>({
        name: 'simulations',
        text: 'SELECT job_id, plan, step, step_started_at FROM simulations ORDER BY job_id',
        rowMode: 'array',
      });
      return result.rows.map(([jobId, plan, step, stepStartedAt]) => ({ jobId, plan, step, stepStartedAt }));
    },
    async findSimulations(jobIds: readonly string[]): Promise<Simulation[]> {
      if (jobIds.length === 0) return [];
      const result = await pool.query<SimulationRow>({
        name: 'simulations-of',
        text: 'SELECT job_id, plan, step, step_started_at FROM simulations WHERE job_id = ANY($1::text[])',
        values: [jobIds],
        rowMode: 'array',
      });
      return result.rows.map(([jobId, plan, step, stepStartedAt]) => ({ jobId, plan, step, stepStartedAt }));
    },
    async deleteSimulation(jobId: string): Promise<void> {
      await pool.query({
        name: 'simulation-delete',
        text: 'DELETE FROM simulations WHERE job_id = $1',
        values: [jobId],
      });
    },
  };
}
