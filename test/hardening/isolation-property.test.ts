import { randomBytes } from 'node:crypto';
import { MIGRATION_ACTIONS } from '@ddm-jobs/contract';
import { createTenantEventIds, TENANT_EVENT_ID_SECRET } from '@ddm-jobs/server';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY, HOUR } from '../support/api.js';
import { startTestServer, type TestServer } from '../support/harness.js';
import { passwordSignIn } from '../support/keystone-body.js';
import { sdkSign } from '../support/sdk-signer.js';
import { connectSse } from '../support/sse-client.js';

/**
 * Isolation as a property (issue 8, item 5): in a generated world of projects, users with roles
 * on some of them, access keys and tasks, no answer to any tenant credential, on any route, in
 * any error, header or stream event, names an id or a name of a task of a project the credential
 * has no role on. Every task carries unique random markers (its id, its instance name, a
 * non-migration task's name, its database name), so a leak of any of them is found by a plain
 * substring search of what came back.
 *
 * Out of the property by design: credentials with the role `service`, the control plane, which
 * records and reads every project's tasks on the internal API (docs/decisions.md).
 *
 * The role model rides along (docs/identity.md, "Roles"): on its own project a credential whose
 * role is not an action role (`readonly`, `te_agency`; every world has a `readonly` user with a
 * token and an access key) is refused every action with 403 APIGW.0302 and the task is unchanged;
 * no tenant credential gets into the internal API; and a tenant token validates its own user's
 * tokens only.
 */

const PASSWORD = 'isolation property password';
const TENANT_ROLES = ['te_admin', 'readonly', 'te_agency'] as const;
/** The server's default action roles: the roles that may change tasks. */
const ACTION_ROLES = new Set(['te_admin']);

interface WorldShape {
  projects: number;
  users: { roles: (number | undefined)[]; hasKey: boolean }[];
  tasks: { project: number; migration: boolean; status: number }[];
}

const worldShape: fc.Arbitrary<WorldShape> = fc.integer({ min: 2, max: 4 }).chain((projects) =>
  fc.record({
    projects: fc.constant(projects),
    // A role (by index) or none on each project: some users have none at all.
    users: fc.array(
      fc.record({
        roles: fc.array(fc.option(fc.nat(TENANT_ROLES.length - 1), { nil: undefined }), {
          minLength: projects,
          maxLength: projects,
        }),
        hasKey: fc.boolean(),
      }),
      { minLength: 2, maxLength: 4 },
    ),
    tasks: fc.array(
      fc.record({ project: fc.nat(projects - 1), migration: fc.boolean(), status: fc.nat(3) }),
      { minLength: 3, maxLength: 8 },
    ),
  }),
);

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

interface Task {
  id: string;
  project: string;
  instanceId: string;
  database: string;
  /** Strings unique to this task: a response naming any of them names the task. */
  markers: string[];
}

interface Credential {
  label: string;
  /** The user it acts as. */
  user: string;
  /** The projects whose tasks it may see. */
  allowed: Set<string>;
  /** The projects whose tasks it may change (an action role there). */
  actsOn: Set<string>;
  /** Headers for a request (signed ones need the method, path and body). */
  headers(method: string, path: string, body?: string): Record<string, string>;
  token?: string;
}

const MIGRATION_STATUSES = ['Running', 'Failed', 'ToBeSwitched', 'Completed'] as const;
const OTHER_STATUSES = ['Running', 'Failed', 'Completed', 'Running'] as const;

/** Builds the world on a fresh server: identities by bootstrap, tasks through the internal API. */
async function buildWorld(shape: WorldShape) {
  const projects = Array.from({ length: shape.projects }, (_, i) => ({
    name: `iso-p${i}-${hex(3)}`,
    id: hex(16),
  }));
  const users = shape.users.map((user, i) => ({
    name: `iso-u${i}-${hex(3)}`,
    roles: user.roles.flatMap((role, p) =>
      role === undefined
        ? []
        : [{ project: projects[p]?.name as string, roles: [TENANT_ROLES[role] as string] }],
    ),
    key: user.hasKey ? { ak: `ISO${hex(4).toUpperCase()}${i}`.padEnd(20, 'K'), sk: hex(20) } : undefined,
  }));
  // Whatever the shape drew, a `readonly` user with a token and an access key.
  users.push({
    name: `iso-reader-${hex(3)}`,
    roles: [{ project: projects[0]?.name as string, roles: ['readonly'] }],
    key: { ak: `ISORO${hex(4).toUpperCase()}`.padEnd(20, 'R'), sk: hex(20) },
  });
  const producer = {
    name: 'iso-producer',
    password: PASSWORD,
    roles: [{ project: projects[0]?.name as string, roles: ['service'] }],
  };
  const server = await startTestServer({
    bootstrap: {
      projects,
      users: [
        producer,
        ...users.map((u) => ({
          name: u.name,
          password: PASSWORD,
          roles: u.roles,
          ...(u.key ? { credentials: [{ access_key: u.key.ak, secret_key: u.key.sk }] } : {}),
        })),
      ],
    },
  });
  const signIn = async (name: string, projectId: string) => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/v3/auth/tokens',
      payload: passwordSignIn({ name, password: PASSWORD }, projectId),
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.headers['x-subject-token'] as string;
  };
  const producerToken = await signIn(producer.name, projects[0]?.id as string);
  const now = server.clock.now();
  const tasks: Task[] = [];
  for (const [i, spec] of shape.tasks.entries()) {
    const project = projects[spec.project] as { name: string; id: string };
    const status = (spec.migration ? MIGRATION_STATUSES : OTHER_STATUSES)[spec.status] as string;
    const task = {
      name: spec.migration ? 'migrateLogicDb' : `p${spec.project}-task-${hex(6)}`,
      instance_id: `inst${hex(8)}`,
      instance_name: `p${spec.project}-inst-${hex(6)}`,
      database_name: `p${spec.project}-db-${hex(6)}`,
    };
    const finished = status === 'Completed' || status === 'Failed';
    const response = await server.app.inject({
      method: 'POST',
      url: '/internal/v1/jobs',
      headers: { 'x-auth-token': producerToken },
      payload: {
        project_id: project.id,
        ...task,
        status,
        created_at: now - HOUR - i * 1000,
        ...(finished ? { ended_at: now - HOUR - i * 1000 + 500 } : {}),
        ...(status === 'Failed' ? { fail_reason: `p${spec.project}-reason-${hex(6)}` } : {}),
      },
    });
    expect(response.statusCode, response.body).toBe(201);
    const id = response.json().job.id as string;
    const markers = [id, task.instance_id, task.instance_name, task.database_name];
    if (!spec.migration) markers.push(task.name);
    tasks.push({
      id,
      project: project.id,
      instanceId: task.instance_id,
      database: task.database_name,
      markers,
    });
  }

  const credentials: Credential[] = [];
  for (const user of users) {
    const idOf = (name: string) => projects.find((p) => p.name === name)?.id as string;
    const roleProjects = new Set(user.roles.map((r) => idOf(r.project)));
    const actionProjects = new Set(
      user.roles.filter((r) => r.roles.some((role) => ACTION_ROLES.has(role))).map((r) => idOf(r.project)),
    );
    for (const projectId of roleProjects) {
      const token = await signIn(user.name, projectId);
      // A token is scoped: only its own project's tasks, even if the user has roles elsewhere.
      credentials.push({
        label: `${user.name} token on ${projectId}`,
        user: user.name,
        allowed: new Set([projectId]),
        actsOn: new Set(actionProjects.has(projectId) ? [projectId] : []),
        headers: () => ({ 'x-auth-token': token }),
        token,
      });
    }
    const key = user.key;
    if (!key) continue;
    for (const declared of [undefined, ...projects.map((p) => p.id)]) {
      credentials.push({
        label: `${user.name} AK/SK${declared ? ` with X-Project-Id ${declared}` : ''}`,
        user: user.name,
        allowed: roleProjects,
        actsOn: actionProjects,
        headers(method, path, body) {
          const [pathname, query] = path.split('?');
          const signed = sdkSign(
            {
              method,
              path: pathname as string,
              query: query ? [...new URLSearchParams(query)] : [],
              headers: declared ? { 'X-Project-Id': declared } : {},
              ...(body === undefined ? {} : { body }),
            },
            key,
            server.clock.now(),
          );
          return signed.headers;
        },
      });
    }
  }
  return { server, projects, tasks, credentials, now, producerToken };
}

/** The markers of every task a credential must never see. */
const forbiddenFor = (credential: Credential, tasks: Task[]) =>
  tasks.filter((t) => !credential.allowed.has(t.project)).flatMap((t) => t.markers);

function assertNoLeak(what: string, text: string, forbidden: string[]) {
  const leaked = forbidden.filter((marker) => text.includes(marker));
  expect(leaked, `${what} leaked ${leaked.join(', ')}:\n${text.slice(0, 2000)}`).toEqual([]);
}

/** Every tenant (and internal) route a credential could try, with ids of every project. */
function* requestsFor(world: Awaited<ReturnType<typeof buildWorld>>, credential: Credential) {
  const { projects, tasks, now } = world;
  const projectIds = [...projects.map((p) => p.id), hex(16)];
  const window = `start_time=${now - DAY}&end_time=${now + 1000}`;
  for (const projectId of projectIds) {
    yield { method: 'GET', url: `/v3/${projectId}/jobs?${window}` };
    yield { method: 'GET', url: `/v3/${projectId}/jobs?${window}&status=Failed&limit=2` };
    for (const task of tasks) {
      yield { method: 'GET', url: `/v3/${projectId}/jobs/${task.id}` };
      yield { method: 'GET', url: `/v3/${projectId}/jobs/${task.id}/history` };
      for (const action of MIGRATION_ACTIONS) {
        const base = `/v3/${projectId}/instances/${task.instanceId}/databases/${task.database}`;
        const body =
          action === 'route-switch-strategy'
            ? JSON.stringify({ switch_route_begin_time: '17:00:00', switch_route_end_time: '18:00:00' })
            : undefined;
        const refused = credential.allowed.has(projectId) && !credential.actsOn.has(projectId);
        yield { method: 'PUT', url: `${base}/migration/jobs/${task.id}/${action}`, body, task, refused };
      }
    }
  }
  for (const task of tasks) {
    yield { method: 'GET', url: `/internal/v1/jobs/${task.id}`, internal: true };
    yield {
      method: 'PATCH',
      url: `/internal/v1/jobs/${task.id}`,
      body: JSON.stringify({ progress: 7 }),
      task,
      internal: true,
    };
  }
  yield { method: 'GET', url: '/internal/v1/events?after=0&limit=1000', internal: true };
  if (credential.token) {
    // Keystone's validation of the credential's own token, and of every other tenant's: a tenant
    // token validates its own user's tokens only.
    for (const other of world.credentials)
      if (other.token)
        yield {
          method: 'GET',
          url: '/v3/auth/tokens',
          headers: { 'x-subject-token': other.token },
          validates: other.user === credential.user ? 200 : 403,
        };
  }
}

/** The task as the producer's API shows it: status code and body. */
async function snapshot(server: TestServer, producerToken: string, id: string): Promise<string> {
  const response = await server.app.inject({
    url: `/internal/v1/jobs/${id}`,
    headers: { 'x-auth-token': producerToken },
  });
  return `${response.statusCode} ${response.body}`;
}

describe('isolation as a property', () => {
  it("answers no credential, on any route, with another project's task id or name", async () => {
    let requests = 0;
    let ownSeen = 0;
    let worlds = 0;
    let credentials = 0;
    let streamEvents = 0;
    let refusedActions = 0;
    await fc.assert(
      fc.asyncProperty(worldShape, async (shape) => {
        const world = await buildWorld(shape);
        const { server, tasks } = world;
        worlds++;
        credentials += world.credentials.length;
        try {
          for (const credential of world.credentials) {
            const forbidden = forbiddenFor(credential, tasks);
            for (const r of requestsFor(world, credential)) {
              const watched = r.refused || r.internal ? r.task : undefined;
              const before = watched && (await snapshot(server, world.producerToken, watched.id));
              const response = await server.app.inject({
                method: r.method as 'GET' | 'PUT' | 'PATCH',
                url: r.url,
                headers: {
                  ...credential.headers(r.method, r.url, r.body ?? ''),
                  ...(r.body === undefined ? {} : { 'content-type': 'application/json' }),
                  ...r.headers,
                },
                ...(r.body === undefined ? {} : { payload: r.body }),
              });
              requests++;
              expect(response.statusCode, `${credential.label} ${r.method} ${r.url}`).toBeLessThan(500);
              const what = `${credential.label} ${r.method} ${r.url} (${response.statusCode})`;
              // The role model: a reader's action and any tenant's internal call are 403
              // APIGW.0302 and change nothing; a tenant validates its own user's tokens only.
              if (r.refused || r.internal) {
                expect(response.statusCode, `${what} ${response.body}`).toBe(403);
                expect(response.json().error_code, what).toBe('APIGW.0302');
                if (r.refused) refusedActions++;
              }
              if (watched) expect(await snapshot(server, world.producerToken, watched.id), what).toBe(before);
              if (r.validates !== undefined) expect(response.statusCode, what).toBe(r.validates);
              assertNoLeak(what, `${JSON.stringify(response.headers)}\n${response.body}`, forbidden);
              // Not vacuous: a credential's own project's list shows its tasks.
              if (r.url.startsWith(`/v3/`) && r.url.includes('/jobs?') && response.statusCode === 200)
                ownSeen += response.json().jobs.length;
            }
          }
          streamEvents += await assertStreamsIsolated(world);
        } finally {
          await server.close();
        }
      }),
      { numRuns: 4 },
    );
    console.log(
      `isolation: ${worlds} worlds, ${credentials} credentials, ${requests} requests, ${refusedActions} reader actions refused, ${streamEvents} stream events checked`,
    );
    expect(requests).toBeGreaterThan(1000);
    expect(refusedActions).toBeGreaterThan(0);
    expect(ownSeen).toBeGreaterThan(0);
    expect(streamEvents).toBeGreaterThan(0);
  }, 180_000);
});

/**
 * The tenant stream from the first event (`Last-Event-ID` the id of feed cursor 0, sealed for
 * the path's project with the server's own key: tenants' ids are opaque), for each credential on each
 * project: it replays every change of the world, filtered to the path's project. It is read until
 * the credential's own tasks of that project have all appeared (or, on a refused project, to its
 * end), so a leaked event would be among what was read.
 */
async function assertStreamsIsolated(world: Awaited<ReturnType<typeof buildWorld>>): Promise<number> {
  const { server, projects, tasks, credentials } = world;
  let events = 0;
  const base = await server.app.listen({ host: '127.0.0.1', port: 0 });
  const eventIds = createTenantEventIds(
    await server.store.sharedSecret(TENANT_EVENT_ID_SECRET, randomBytes(32)),
  );
  for (const credential of credentials) {
    const forbidden = forbiddenFor(credential, tasks);
    for (const project of projects) {
      const path = `/v3/${project.id}/jobs/stream`;
      const connection = await connectSse(base, path, {
        ...credential.headers('GET', path, ''),
        'last-event-id': eventIds.seal(project.id, 0),
      });
      const own = tasks.filter((t) => t.project === project.id).map((t) => t.id);
      try {
        if (connection.status === 200)
          await connection.until((c) => own.every((id) => c.text().includes(id)), 10_000);
        assertNoLeak(
          `${credential.label} stream of ${project.id} (${connection.status})`,
          `${JSON.stringify(connection.headers)}\n${connection.text()}`,
          forbidden,
        );
        if (connection.status === 200) events += connection.events().length;
      } finally {
        connection.close();
      }
    }
  }
  return events;
}
