import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/infra/logger.js';
import { startPrivatePostgres, type PrivatePostgres } from '../../src/infra/postgresServer.js';
import { createPool, type Pool } from '../../src/persist/db.js';
import { migrate } from '../../src/persist/migrate.js';
import { Persister } from '../../src/persist/persister.js';
import { engineFixture, type EngineFixture } from '../support/engine.js';
import { buy, seedEvent, seedUsers } from '../support/world.js';

let fx: EngineFixture;
let pg: PrivatePostgres;
let pool: Pool;
beforeAll(async () => {
  fx = engineFixture();
  pg = await startPrivatePostgres();
  pool = createPool(pg.url);
  await migrate(pool);
});
afterAll(async () => {
  await pool.end();
  await pg.destroy();
  await fx.close();
});

describe('Postgres stopped while sales keep coming', () => {
  it('keeps every sale in the stream and persists all of them when Postgres is back', async () => {
    const users = await seedUsers(pool, 20);
    const { eventId } = await seedEvent(pool, fx.engine);
    const persister = new Persister({
      redis: fx.redis,
      pool,
      log: silentLogger,
      prefix: fx.prefix,
      pollMs: 20,
      maxBackoffMs: 200,
    });
    await persister.start();
    const early = await Promise.all(users.slice(0, 5).map((u, i) => buy(fx.engine, eventId, u, [i])));
    await expect
      .poll(async () => (await pool.query('SELECT count(*)::int AS n FROM orders')).rows[0].n, { timeout: 10_000 })
      .toBe(5);

    await pg.stop();
    const late = await Promise.all(users.slice(5).map((u, i) => buy(fx.engine, eventId, u, [5 + i])));
    await expect.poll(() => persister.stats.failures, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await fx.redis.xlen(fx.engine.keys(eventId)!.sales)).toBe(20);

    await pg.start();
    await expect
      .poll(async () => (await pool.query('SELECT id FROM orders ORDER BY id')).rows.map((r) => r.id), {
        timeout: 20_000,
      })
      .toEqual([...early, ...late].sort());
    const tickets = await pool.query(`SELECT count(*)::int AS n FROM tickets WHERE status = 'valid'`);
    expect(tickets.rows[0].n).toBe(20);
    await persister.stop();
  });
});
