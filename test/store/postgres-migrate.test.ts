import { migratePostgres, openPostgresStore, type Store } from '@ddm-jobs/server';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { dropSchema, freshSchema, TEST_DATABASE_URL } from '../support/stores.js';

const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);
const url = TEST_DATABASE_URL as string;

async function appliedVersions(schema: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ version: number }>(
      `SELECT version FROM ${client.escapeIdentifier(schema)}.schema_migrations ORDER BY version`,
    );
    return rows.map((row) => row.version);
  } finally {
    await client.end();
  }
}

describe.skipIf(!TEST_DATABASE_URL)('PostgreSQL migrations and schemas', () => {
  const schemas: string[] = [];
  const stores: Store[] = [];
  const schema = () => {
    const name = freshSchema();
    schemas.push(name);
    return name;
  };
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    for (const name of schemas.splice(0)) await dropSchema(url, name);
  });

  it('applies each migration exactly once when several nodes start on a fresh schema at once', async () => {
    const name = schema();
    const runs = await Promise.all(Array.from({ length: 4 }, () => migratePostgres({ url, schema: name })));
    const all = await appliedVersions(name);
    expect(all.length).toBeGreaterThan(0);
    expect(runs.flat().sort((a, b) => a - b)).toEqual(all);
    expect(await migratePostgres({ url, schema: name })).toEqual([]);
  });

  it('opens stores at once on a fresh schema, each seeing what another wrote', async () => {
    const name = schema();
    const [a, b] = await Promise.all([
      openPostgresStore({ url, schema: name }),
      openPostgresStore({ url, schema: name }),
    ]);
    stores.push(a, b);
    await a.createDomain({ id: 'd', name: 'd' }, NOW);
    expect(await b.listDomains()).toEqual([{ id: 'd', name: 'd' }]);
  });

  it('keeps stores in different schemas apart, each with its own feed', async () => {
    const [a, b] = await Promise.all([
      openPostgresStore({ url, schema: schema() }),
      openPostgresStore({ url, schema: schema() }),
    ]);
    stores.push(a, b);
    await a.resetJobs(NOW);
    const [reset] = await a.eventsAfter(0, 10);
    expect(reset?.type).toBe('reset');
    expect(await a.lastEventCursor()).toBe(reset?.cursor);
    // The other schema's feed is empty: its newest cursor is no entry's.
    expect(await b.eventsAfter(0, 10)).toEqual([]);
    expect(await b.eventsAfter(await b.lastEventCursor(), 10)).toEqual([]);
  });

  it("reads times as numbers without changing node-postgres' process-wide parsers", async () => {
    const store = await openPostgresStore({ url, schema: schema() });
    stores.push(store);
    await store.resetJobs(NOW);
    expect((await store.eventsAfter(0, 1))[0]?.at).toBe(NOW);
    expect(pg.types.getTypeParser(pg.types.builtins.INT8)('5')).toBe('5');
  });

  it('refuses a schema name that would need quoting', async () => {
    await expect(openPostgresStore({ url, schema: 'a"; DROP SCHEMA public; --' })).rejects.toThrow(
      /invalid PostgreSQL schema name/,
    );
  });
});
