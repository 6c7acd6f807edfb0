import { randomInt } from 'node:crypto';
import type pg from 'pg';
import type { IdentityStore } from '../interfaces.js';
import type { Domain, NameOrId, RoleAssignment, TokenSubject } from '../records.js';
import * as rows from '../rows/identity-rows.js';
import { createSubjectCache } from '../subject-cache.js';
import type { IdentityNotifications } from './notifications.js';
import { unstorable } from './pool.js';

/**
 * The identity half of the PostgreSQL store. Token checks read their user on every request, with
 * no cache: one indexed read, and a disable or revoke made through any node holds at once.
 */
export function createPostgresIdentityStore(
  pool: pg.Pool,
  changes?: IdentityNotifications,
): IdentityStore & { forgetSubjects(): void } {
  // Reads by keys PostgreSQL cannot hold find nothing (see unstorable).
  const one = async <R extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<R | undefined> =>
    values.some((v) => typeof v === 'string' && unstorable(v))
      ? undefined
      : (await pool.query<R>(text, values)).rows[0];
  const all = async <R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> =>
    values.some((v) => typeof v === 'string' && unstorable(v))
      ? []
      : (await pool.query<R>(text, values)).rows;
  /** A write keyed by such keys changes nothing. */
  const change = async (text: string, values: unknown[]): Promise<void> => {
    if (!values.some((v) => typeof v === 'string' && unstorable(v))) await pool.query(text, values);
    // This node sees its own change at once; the others when the database tells them.
    subjects.clear();
  };
  /** The user's state and its roles on the token's project, in one read. */
  const readSubject = async (userId: string, projectId: string | null): Promise<TokenSubject | undefined> => {
    const result = await pool.query<{ enabled: boolean; token_epoch: number; roles: string[] }>({
      name: 'token-subject',
      text: `SELECT enabled, token_epoch,
               ARRAY(SELECT role FROM role_assignments WHERE user_id = users.id AND project_id = $2 ORDER BY role) AS roles
             FROM users WHERE id = $1`,
      values: [userId, projectId],
    });
    const row = result.rows[0];
    return row && { enabled: row.enabled, tokenEpoch: row.token_epoch, roles: row.roles };
  };
  // Kept per node until an identity changes anywhere (a notification of the database clears it):
  // a token check then costs no round trip. A read that fails is not kept.
  const subjects = createSubjectCache((userId: string, projectId: string | null) => {
    const reading = readSubject(userId, projectId);
    reading.catch(() => subjects.clear());
    return reading;
  });
  let following = false;

  return {
    async findDomain(ref) {
      return 'id' in ref
        ? one<Domain>('SELECT id, name FROM domains WHERE id = $1', [ref.id])
        : one<Domain>('SELECT id, name FROM domains WHERE name = $1', [ref.name]);
    },
    async createDomain(domain, now) {
      await pool.query('INSERT INTO domains (id, name, created_at) VALUES ($1, $2, $3)', [
        domain.id,
        domain.name,
        now,
      ]);
    },
    async listDomains() {
      return all<Domain>('SELECT id, name FROM domains ORDER BY name');
    },
    async findProject(ref: NameOrId) {
      const row =
        'id' in ref
          ? await one<rows.ProjectRow>(`SELECT ${rows.PROJECT_COLUMNS} FROM projects WHERE id = $1`, [ref.id])
          : await one<rows.ProjectRow>(
              `SELECT ${rows.PROJECT_COLUMNS} FROM projects WHERE domain_id = $1 AND name = $2`,
              [ref.domainId, ref.name],
            );
      return row && rows.toProject(row);
    },
    async createProject(project, now) {
      await pool.query('INSERT INTO projects (id, name, domain_id, created_at) VALUES ($1, $2, $3, $4)', [
        project.id,
        project.name,
        project.domainId,
        now,
      ]);
    },
    async listProjects() {
      return (
        await all<rows.ProjectRow>(`SELECT ${rows.PROJECT_COLUMNS} FROM projects ORDER BY domain_id, name`)
      ).map(rows.toProject);
    },
    async findUser(ref: NameOrId) {
      const row =
        'id' in ref
          ? await one<rows.UserRow>(`SELECT ${rows.USER_COLUMNS} FROM users WHERE id = $1`, [ref.id])
          : await one<rows.UserRow>(
              `SELECT ${rows.USER_COLUMNS} FROM users WHERE domain_id = $1 AND name = $2`,
              [ref.domainId, ref.name],
            );
      return row && rows.toUser(row);
    },
    async createUser(user, now) {
      await pool.query(
        `INSERT INTO users (id, name, domain_id, password_hash, token_epoch, enabled, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [user.id, user.name, user.domainId, user.passwordHash, randomInt(1, 2 ** 31), user.enabled, now],
      );
      // A check of this id before it existed may have been kept.
      subjects.clear();
    },
    async listUsers() {
      return (await all<rows.UserRow>(`SELECT ${rows.USER_COLUMNS} FROM users ORDER BY domain_id, name`)).map(
        rows.toUser,
      );
    },
    async setUserEnabled(id, enabled) {
      // Disabling raises the token epoch: tokens issued before stay dead when the user is enabled again.
      await change(
        `UPDATE users SET enabled = $2, token_epoch = token_epoch + CASE WHEN $2 THEN 0 ELSE 1 END
         WHERE id = $1 AND enabled <> $2`,
        [id, enabled],
      );
    },
    async setUserPassword(id, passwordHash) {
      await change('UPDATE users SET password_hash = $2, token_epoch = token_epoch + 1 WHERE id = $1', [
        id,
        passwordHash,
      ]);
    },
    async deleteUser(id) {
      // Role assignments and access keys go with the user (ON DELETE CASCADE).
      await change('DELETE FROM users WHERE id = $1', [id]);
    },
    async grantRole(userId, projectId, role) {
      await change('INSERT INTO role_assignments VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
        userId,
        projectId,
        role,
      ]);
    },
    async revokeRole(userId, projectId, role) {
      await change('DELETE FROM role_assignments WHERE user_id = $1 AND project_id = $2 AND role = $3', [
        userId,
        projectId,
        role,
      ]);
    },
    async rolesOn(userId, projectId) {
      const rows = await all<{ role: string }>(
        'SELECT role FROM role_assignments WHERE user_id = $1 AND project_id = $2 ORDER BY role',
        [userId, projectId],
      );
      return rows.map((row) => row.role);
    },
    async listRoleAssignments(filter) {
      return all<RoleAssignment>(
        `SELECT user_id AS "userId", project_id AS "projectId", role FROM role_assignments
         WHERE ($1::text IS NULL OR user_id = $1) AND ($2::text IS NULL OR project_id = $2)
         ORDER BY user_id, project_id, role`,
        [filter.userId ?? null, filter.projectId ?? null],
      );
    },
    async tokenSubject(userId, projectId) {
      if (unstorable(userId, projectId)) return undefined;
      if (!changes) return readSubject(userId, projectId);
      if (!following) {
        following = true;
        changes.subscribe(() => subjects.clear());
      }
      // Only while the node listens may it trust what it keeps.
      return changes.listening() ? subjects.get(userId, projectId) : readSubject(userId, projectId);
    },
    async countUsers() {
      return (await one<{ n: number }>('SELECT count(*) AS n FROM users', []))?.n ?? 0;
    },
    async sharedSecret(name, fresh) {
      // The first node to store one wins; every node then reads the same.
      await pool.query('INSERT INTO shared_secrets VALUES ($1, $2) ON CONFLICT DO NOTHING', [name, fresh]);
      const row = await one<{ value: Buffer }>('SELECT value FROM shared_secrets WHERE name = $1', [name]);
      if (!row) throw new Error(`shared secret ${name} vanished`);
      return row.value;
    },
    /** Forgets what it keeps of users at once (a snapshot replaced them), before any notification. */
    forgetSubjects() {
      subjects.clear();
    },
  };
}
