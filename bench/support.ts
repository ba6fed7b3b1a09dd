import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createPool } from '../src/persist/db.js';
import { migrate } from '../src/persist/migrate.js';

/** Where benchmarks may create scratch databases: TEST_DATABASE_URL or the local Postgres. */
export const benchAdminUrl = () => process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A new migrated database, dropped afterwards. */
export async function scratchDatabase(adminUrl: string, poolSize = 10) {
  const name = `tk_bench_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  const admin = new pg.Client(adminUrl);
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const pool = createPool(url.toString(), poolSize);
  await migrate(pool);
  return {
    url: url.toString(),
    pool,
    async drop() {
      await pool.end();
      const c = new pg.Client(adminUrl);
      await c.connect();
      await c.query(`DROP DATABASE ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
