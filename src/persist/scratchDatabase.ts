import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createPool } from './db.js';
import { migrate } from './migrate.js';

export interface ScratchDatabase {
  url: string;
  pool: pg.Pool;
  /** ends the pool and drops the database */
  drop(): Promise<void>;
}

async function asAdmin<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A new, migrated database of its own on a server where `adminUrl` may CREATE DATABASE (tests, benchmarks). */
export async function createScratchDatabase(
  adminUrl: string,
  namePrefix: string,
  poolSize: number,
): Promise<ScratchDatabase> {
  const name = `${namePrefix}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  await asAdmin(adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const pool = createPool(url.toString(), poolSize);
  await migrate(pool);
  return {
    url: url.toString(),
    pool,
    async drop() {
      await pool.end();
      await asAdmin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
