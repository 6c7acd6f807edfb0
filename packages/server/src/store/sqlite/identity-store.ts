import { randomInt } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { IdentityStore } from '../interfaces.js';
import type { Domain, NameOrId, RoleAssignment, TokenSubject } from '../records.js';
import * as rows from '../rows/identity-rows.js';
import { createSubjectCache } from '../subject-cache.js';

/** The identity half of the SQLite store. */
export function createSqliteIdentityStore(db: Database): IdentityStore & { forgetSubjects(): void } {
  const s = {
    domainById: db.prepare('SELECT id, name FROM domains WHERE id = ?'),
    domainByName: db.prepare('SELECT id, name FROM domains WHERE name = ?'),
    insertDomain: db.prepare('INSERT INTO domains (id, name, created_at) VALUES (?, ?, ?)'),
    domains: db.prepare('SELECT id, name FROM domains ORDER BY name'),
    projectById: db.prepare(`SELECT ${rows.PROJECT_COLUMNS} FROM projects WHERE id = ?`),
    projectByName: db.prepare(
      `SELECT ${rows.PROJECT_COLUMNS} FROM projects WHERE domain_id = ? AND name = ?`,
    ),
    insertProject: db.prepare('INSERT INTO projects (id, name, domain_id, created_at) VALUES (?, ?, ?, ?)'),
    projects: db.prepare(`SELECT ${rows.PROJECT_COLUMNS} FROM projects ORDER BY domain_id, name`),
    userById: db.prepare(`SELECT ${rows.USER_COLUMNS} FROM users WHERE id = ?`),
    userByName: db.prepare(`SELECT ${rows.USER_COLUMNS} FROM users WHERE domain_id = ? AND name = ?`),
    insertUser: db.prepare(
      'INSERT INTO users (id, name, domain_id, password_hash, token_epoch, enabled, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    users: db.prepare(`SELECT ${rows.USER_COLUMNS} FROM users ORDER BY domain_id, name`),
    // Disabling raises the token epoch: tokens issued before stay dead when the user is enabled again.
    setEnabled: db.prepare(
      'UPDATE users SET enabled = @enabled, token_epoch = token_epoch + (1 - @enabled) WHERE id = @id AND enabled <> @enabled',
    ),
    setPassword: db.prepare('UPDATE users SET password_hash = ?, token_epoch = token_epoch + 1 WHERE id = ?'),
    deleteUser: db.prepare('DELETE FROM users WHERE id = ?'),
    grant: db.prepare('INSERT INTO role_assignments VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
    revoke: db.prepare('DELETE FROM role_assignments WHERE user_id = ? AND project_id = ? AND role = ?'),
    roles: db
      .prepare('SELECT role FROM role_assignments WHERE user_id = ? AND project_id = ? ORDER BY role')
      .pluck(),
    assignments: db.prepare(
      `SELECT user_id AS userId, project_id AS projectId, role FROM role_assignments
       WHERE (@userId IS NULL OR user_id = @userId) AND (@projectId IS NULL OR project_id = @projectId)
       ORDER BY user_id, project_id, role`,
    ),
    // One read per request: the user's state and its roles on the token's project.
    subject: db.prepare(
      `SELECT enabled, token_epoch,
         (SELECT group_concat(role, ' ') FROM role_assignments WHERE user_id = users.id AND project_id = @projectId) AS roles
       FROM users WHERE id = @userId`,
    ),
    countUsers: db.prepare('SELECT count(*) FROM users').pluck(),
    secret: db.prepare('SELECT value FROM shared_secrets WHERE name = ?').pluck(),
    insertSecret: db.prepare('INSERT INTO shared_secrets VALUES (?, ?) ON CONFLICT DO NOTHING'),
  };

  const subjects = createSubjectCache((userId, projectId): TokenSubject | undefined => {
    const row = s.subject.get({ userId, projectId }) as
      | { enabled: number; token_epoch: number; roles: string | null }
      | undefined;
    if (!row) return undefined;
    return { enabled: row.enabled === 1, tokenEpoch: row.token_epoch, roles: row.roles?.split(' ') ?? [] };
  });
  // Changes through this connection clear the cache directly; changes by any other connection to
  // the file (`ddm-jobs iam`, another process) show in `PRAGMA data_version`, read on every lookup,
  // so a disable or revoke takes effect at once everywhere.
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  let seenVersion: unknown;

  const findProject = (ref: NameOrId) =>
    ('id' in ref ? s.projectById.get(ref.id) : s.projectByName.get(ref.domainId, ref.name)) as
      | rows.ProjectRow
      | undefined;
  const findUser = (ref: NameOrId) =>
    ('id' in ref ? s.userById.get(ref.id) : s.userByName.get(ref.domainId, ref.name)) as
      | rows.UserRow
      | undefined;
  const deleteUser = db.transaction((id: string) => {
    db.prepare('DELETE FROM role_assignments WHERE user_id = ?').run(id);
    s.deleteUser.run(id);
  });
  const sharedSecret = db.transaction((name: string, fresh: Buffer): Buffer => {
    s.insertSecret.run(name, fresh);
    return s.secret.get(name) as Buffer;
  });

  return {
    async findDomain(ref) {
      return ('id' in ref ? s.domainById.get(ref.id) : s.domainByName.get(ref.name)) as Domain | undefined;
    },
    async createDomain(domain, now) {
      s.insertDomain.run(domain.id, domain.name, now);
    },
    async listDomains() {
      return s.domains.all() as Domain[];
    },
    async findProject(ref) {
      const row = findProject(ref);
      return row && rows.toProject(row);
    },
    async createProject(project, now) {
      s.insertProject.run(project.id, project.name, project.domainId, now);
    },
    async listProjects() {
      return (s.projects.all() as rows.ProjectRow[]).map(rows.toProject);
    },
    async findUser(ref) {
      const row = findUser(ref);
      return row && rows.toUser(row);
    },
    async createUser(user, now) {
      s.insertUser.run(
        user.id,
        user.name,
        user.domainId,
        user.passwordHash,
        randomInt(1, 2 ** 31),
        user.enabled ? 1 : 0,
        now,
      );
      // A check of this id before it existed may have been kept.
      subjects.clear();
    },
    async listUsers() {
      return (s.users.all() as rows.UserRow[]).map(rows.toUser);
    },
    async setUserEnabled(id, enabled) {
      s.setEnabled.run({ enabled: enabled ? 1 : 0, id });
      subjects.clear();
    },
    async setUserPassword(id, passwordHash) {
      s.setPassword.run(passwordHash, id);
      subjects.clear();
    },
    async deleteUser(id) {
      deleteUser.immediate(id);
      subjects.clear();
    },
    async grantRole(userId, projectId, role) {
      s.grant.run(userId, projectId, role);
      subjects.clear();
    },
    async revokeRole(userId, projectId, role) {
      s.revoke.run(userId, projectId, role);
      subjects.clear();
    },
    async rolesOn(userId, projectId) {
      return s.roles.all(userId, projectId) as string[];
    },
    async listRoleAssignments(filter) {
      return s.assignments.all({
        userId: filter.userId ?? null,
        projectId: filter.projectId ?? null,
      }) as RoleAssignment[];
    },
    async tokenSubject(userId, projectId) {
      const version = dataVersion.get();
      if (version !== seenVersion) {
        subjects.clear();
        seenVersion = version;
      }
      return subjects.get(userId, projectId);
    },
    async countUsers() {
      return s.countUsers.get() as number;
    },
    async sharedSecret(name, fresh) {
      return sharedSecret.immediate(name, fresh);
    },
    /** Forgets what it keeps of users: a snapshot replaced them through this connection. */
    forgetSubjects() {
      subjects.clear();
    },
  };
}
