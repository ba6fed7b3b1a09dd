import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/engine/clock.js';
import { createEngine, type Engine } from '../../src/engine/engine.js';
import { silentLogger } from '../../src/infra/logger.js';
import { startPrivateRedis, type PrivateRedis } from '../../src/infra/redisServer.js';
import { Persister } from '../../src/persist/persister.js';
import { soldSeatIndices } from '../../src/persist/repositories/soldSeats.js';
import { freshDatabase, type TestDatabase } from '../support/postgres.js';
import { buy, forgeSale, seedEvent, seedUsers } from '../support/world.js';

// A private Redis: its command counts are this file's alone.
let server: PrivateRedis;
let redis: Redis;
let db: TestDatabase;
let engine: Engine;
let users: string[];
const IDLE_EVENTS = 40;
beforeAll(async () => {
  server = await startPrivateRedis();
  redis = new Redis(server.url);
  db = await freshDatabase();
  engine = createEngine({ redis, clock: new FakeClock() });
  users = await seedUsers(db.pool, 3);
  for (let i = 0; i < IDLE_EVENTS; i++) await seedEvent(db.pool, engine);
});
afterAll(async () => {
  redis.disconnect();
  await server.stop();
  await db.drop();
});

/** How many XREADGROUP commands the server has run. */
async function streamReads(): Promise<number> {
  const stats = await redis.info('commandstats');
  return Number(/^cmdstat_xreadgroup:calls=(\d+)/m.exec(stats)?.[1] ?? 0);
}

describe('a running persister with many events on sale', () => {
  it('reads only the streams a sale was announced on, not every stream each round', async () => {
    const { eventId } = await seedEvent(db.pool, engine, { rows: 1, seatsPerRow: 20 });
    // Polling rarely: every round after the first is one an announcement woke.
    const persister = new Persister({ redis, pool: db.pool, log: silentLogger, pollMs: 60_000 });
    await persister.start();
    try {
      const sell = async (seat: number) => {
        await buy(engine, eventId, users[seat % 3]!, [seat]);
        await expect.poll(async () => (await soldSeatIndices(db.pool, eventId)).length).toBe(seat + 1);
      };
      // The first rounds read every stream (new entries, and this consumer's own pending ones).
      await sell(0);
      const before = await streamReads();
      for (let seat = 1; seat <= 10; seat++) await sell(seat);
      const reads = (await streamReads()) - before;
      // Each sale: a round or two reading its one stream; every stream each round would be over 410.
      expect(reads).toBeGreaterThanOrEqual(10);
      expect(reads).toBeLessThan(IDLE_EVENTS);
    } finally {
      await persister.stop();
    }
  });

  it('still finds an entry nobody announced within a poll: every stream is read at least that often', async () => {
    const { eventId } = await seedEvent(db.pool, engine, { rows: 1, seatsPerRow: 20 });
    const persister = new Persister({ redis, pool: db.pool, log: silentLogger, pollMs: 100 });
    await persister.start();
    try {
      const fx = { engine, redis, clock: new FakeClock(), prefix: 'tk:', close: async () => {} };
      await forgeSale(fx, eventId, { orderId: randomUUID(), userId: users[0]!, seat: 7 });
      await expect.poll(() => soldSeatIndices(db.pool, eventId), { timeout: 2_000 }).toEqual([7]);
    } finally {
      await persister.stop();
    }
  });
});
