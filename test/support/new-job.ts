import type { NewJob } from '@ddm-jobs/server';

/**
 * Task number `n` as a store test records it: a Running `CreateInstance` on instance `inst`,
 * its id and creation digest made from `n`, with `fields` laid over.
 */
export function newJob(n: number, fields: Partial<NewJob> & Pick<NewJob, 'projectId' | 'createdAt'>): NewJob {
  return {
    id: `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`,
    name: 'CreateInstance',
    status: 'Running',
    progress: 0,
    failReason: '',
    instanceId: 'inst',
    instanceName: 'inst',
    databaseName: '',
    endedAt: null,
    switchBegin: null,
    switchEnd: null,
    createDigest: String(n),
    ...fields,
  };
}
