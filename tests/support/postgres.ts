import { randomUUID } from 'node:crypto';
import pg, { type Pool } from 'pg';
import { inject } from 'vitest';
import { createPool } from '../../src/persist/db.js';
import { migrate } from '../../src/persist/migrate.js';

export interface TestDatabase {
  url: string;
  pool: Pool;
  drop(): Promise<void>;
}

async function admin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A new, migrated database of its own on the test Postgres; drop() removes it. */
export async function freshDatabase(adminUrl: string = inject('adminDatabaseUrl')): Promise<TestDatabase> {
  const name = `tk_test_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  await admin(adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const pool = createPool(url.toString(), 20);
  await migrate(pool);
  return {
    url: url.toString(),
    pool,
    async drop() {
      await pool.end();
      await admin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
