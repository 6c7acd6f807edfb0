import type { Clock } from '../clock.js';
import type { Producer } from './producer.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The instance of the documented example. */
const instance = { instance_id: '733c7e8d73a54c27b8308ec784a8be8cin09', instance_name: 'UTS-ddm-dtc-src' };

/**
 * Records the demo tasks in a project: the three of the documented example, moved to the last
 * hours, and a migration in progress. Fixed ids make it run once per data folder.
 */
export async function recordDemoTasks(producer: Producer, projectId: string, clock: Clock): Promise<number> {
  const now = clock.now();
  const tomorrow2am = Math.ceil(now / (24 * HOUR)) * 24 * HOUR + 2 * HOUR;
  const demo = [
    {
      id: '57933931-9323-422d-8f3d-20a62eb00c4e',
      name: 'CreateInstance',
      status: 'Completed',
      created_at: now - 7 * HOUR - 13 * MINUTE,
      ended_at: now - 7 * HOUR - 8 * MINUTE + 7_000,
    },
    {
      id: '10501cd3-0c19-498b-9ba4-8935ed447542',
      name: 'migrateLogicDb',
      status: 'Completed',
      database_name: 'db_e487',
      created_at: now - 17 * MINUTE - 4_000,
      ended_at: now - 1 * MINUTE - 28_000,
    },
    {
      id: '92370d30-3ddc-4e05-b8ab-51662d824318',
      name: 'migrateLogicDb',
      status: 'ToBeSwitched',
      database_name: 'db_e487',
      created_at: now,
      switch_route_begin_time: tomorrow2am,
      switch_route_end_time: tomorrow2am + 2 * HOUR,
    },
    {
      id: 'c1f0b7e2-5a4d-4c1e-9d7b-3e2f6a8b9c01',
      name: 'migrateLogicDb',
      status: 'Running',
      progress: 60,
      database_name: 'db_orders',
      created_at: now - 25 * MINUTE,
    },
  ];
  let recorded = 0;
  for (const task of demo) {
    try {
      await producer.get(task.id);
    } catch {
      await producer.record({ ...task, ...instance, project_id: projectId });
      recorded++;
    }
  }
  return recorded;
}
