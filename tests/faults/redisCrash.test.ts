import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/engine/clock.js';
import { createEngine } from '../../src/engine/engine.js';
import { silentLogger } from '../../src/infra/logger.js';
import { startPrivateRedis, type PrivateRedis } from '../../src/infra/redisServer.js';
import { Persister } from '../../src/persist/persister.js';
import { freshDatabase, type TestDatabase } from '../support/postgres.js';
import { buy, seedEvent, seedUsers } from '../support/world.js';

let server: PrivateRedis;
let db: TestDatabase;
beforeAll(async () => {
  server = await startPrivateRedis({ appendOnly: true });
  db = await freshDatabase();
});
afterAll(async () => {
  await server.stop();
  await db.drop();
});

describe('Redis (appendonly, fsync always) killed with -9', () => {
  it('loses no confirmed sale: after a restart every one is in the stream and reaches Postgres', async () => {
    const before = new Redis(server.url);
    const engine = createEngine({ redis: before, clock: new FakeClock() });
    const users = await seedUsers(db.pool, 12);
    const { eventId } = await seedEvent(db.pool, engine);
    const orders = await Promise.all(users.map((u, i) => buy(engine, eventId, u, [i])));
    before.disconnect();

    await server.kill();
    await server.restart();

    const after = new Redis(server.url);
    try {
      const engineAfter = createEngine({ redis: after, clock: new FakeClock() });
      const snap = await engineAfter.snapshotEvent(eventId);
      expect(snap.ok && snap.counts.sold).toBe(12);
      const persister = new Persister({ redis: after, pool: db.pool, log: silentLogger });
      while ((await persister.drainOnce()) > 0);
      const { rows } = await db.pool.query('SELECT id FROM orders ORDER BY id');
      expect(rows.map((r) => r.id)).toEqual([...orders].sort());
    } finally {
      after.disconnect();
    }
  });
});
