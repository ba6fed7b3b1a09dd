import { afterAll, beforeAll, expect, it } from 'vitest';
import { FakeClock } from '../../src/engine/clock.js';
import { CONSUMER_GROUP } from '../../src/engine/salesBacklog.js';
import { silentLogger } from '../../src/infra/logger.js';
import { Persister } from '../../src/persist/persister.js';
import { buy, engineWithDatabase, seedEvent, type EngineWithDatabase } from '../support/world.js';

/**
 * The persister takes over a dead consumer's sales on its injected clock: it looks for them
 * at most every min(claimIdleMs, 5 s) of that clock, and not before, however much real time passes.
 */

let stack: EngineWithDatabase;
beforeAll(async () => {
  stack = await engineWithDatabase(1);
});
afterAll(() => stack.close());

it("claims a dead consumer's pending sale once its clock says it is time, not before", async () => {
  const { fx, db, users } = stack;
  const clock = new FakeClock(1_000_000);
  const persister = new Persister({
    redis: fx.redis,
    pool: db.pool,
    log: silentLogger,
    prefix: fx.prefix,
    consumer: 'alive',
    claimIdleMs: 30_000,
    clock,
  });
  const { eventId } = await seedEvent(db.pool, fx.engine);
  // The first look claims (nothing yet) and creates the consumer group.
  expect(await persister.drainOnce()).toBe(0);

  // Another persister reads the sale and dies before acknowledging it; it has been pending a minute.
  const orderId = await buy(fx.engine, eventId, users[0]!, [0, 1]);
  const key = fx.engine.keys(eventId)!.sales;
  const read = (await fx.redis.xreadgroup('GROUP', CONSUMER_GROUP, 'dead', 'COUNT', 10, 'STREAMS', key, '>')) as [
    string,
    [string, string[]][],
  ][];
  const entryId = read[0]![1][0]![0];
  await fx.redis.xclaim(key, CONSUMER_GROUP, 'dead', 0, entryId, 'IDLE', 60_000);
  const orderRows = async () => (await db.pool.query('SELECT status FROM orders WHERE id = $1', [orderId])).rows;
  const pendingAt = async () =>
    ((await fx.redis.xpending(key, CONSUMER_GROUP, '-', '+', 10)) as [string, string][]).map(
      ([, consumer]) => consumer,
    );

  expect(await persister.drainOnce()).toBe(0);
  clock.advance(4_999);
  expect(await persister.drainOnce()).toBe(0);
  expect(await orderRows()).toEqual([]);
  expect(await pendingAt()).toEqual(['dead']);

  clock.advance(1);
  expect(await persister.drainOnce()).toBe(1);
  expect(await orderRows()).toEqual([{ status: 'completed' }]);
  expect(await pendingAt()).toEqual([]);
  await persister.stop();
});
