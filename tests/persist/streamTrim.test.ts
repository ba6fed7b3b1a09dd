import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/engine/clock.js';
import type { EventKeys } from '../../src/engine/keys.js';
import { SALES_RECORD_LIFETIME_MS } from '../../src/engine/operations/trimSales.js';
import { silentLogger } from '../../src/infra/logger.js';
import type { RedisClient } from '../../src/infra/redisClient.js';
import { Persister } from '../../src/persist/persister.js';
import { startApi, type ApiFixture } from '../support/api.js';
import { engineFixture, type EngineFixture } from '../support/engine.js';
import { freshDatabase, type TestDatabase } from '../support/postgres.js';
import { buy, seedEvent, seedUsers } from '../support/world.js';

/** Bytes Redis spends on the event's keys (MEMORY USAGE, every element counted). */
async function eventMemory(redis: RedisClient, keys: EventKeys): Promise<number> {
  const names = Object.entries(keys)
    .filter(([role]) => role !== 'changes')
    .map(([, key]) => key);
  let total = 0;
  for (const key of names) total += Number((await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')) ?? 0);
  return total;
}

/** A persister whose clock the test moves: past the records' lifetime, entries may go. */
const trimmer = (fx: EngineFixture, db: TestDatabase, clock: FakeClock) =>
  new Persister({ redis: fx.redis, pool: db.pool, log: silentLogger, prefix: fx.prefix, clock, batchSize: 1_000 });

describe('the sales streams are trimmed once persisted, with the records they wrote', () => {
  let fx: EngineFixture;
  let db: TestDatabase;
  beforeAll(async () => {
    fx = engineFixture();
    db = await freshDatabase();
  });
  afterAll(async () => {
    await fx.close();
    await db.drop();
  });

  // The bound: the event's keys may hold this much more than before its sales (the seat
  // string is the same size whatever the states; what may remain is an empty stream's node).
  const BOUND_BYTES = 16 * 1024;

  it("20,000 sales, persisted, then past the records' lifetime: the event's Redis memory is back within 16 KiB", async () => {
    const users = await seedUsers(db.pool, 100);
    const { eventId } = await seedEvent(db.pool, fx.engine, { rows: 100, seatsPerRow: 200 });
    const keys = fx.engine.keys(eventId)!;
    const before = await eventMemory(fx.redis, keys);
    // 100 buyers, 200 purchases of one seat each
    await Promise.all(
      users.map(async (user, u) => {
        for (let i = 0; i < 200; i++) await buy(fx.engine, eventId, user, [u * 200 + i]);
      }),
    );
    const clock = new FakeClock(Date.now());
    const persister = trimmer(fx, db, clock);
    while ((await persister.drainOnce()) > 0);
    expect(
      (await db.pool.query(`SELECT count(*)::int AS n FROM tickets WHERE event_id = $1`, [eventId])).rows[0].n,
    ).toBe(20_000);
    const sold = await eventMemory(fx.redis, keys);

    // within their lifetime nothing goes: a replay of any key is still answered by the actor
    expect(await persister.trimStreams()).toBe(0);
    clock.advance(SALES_RECORD_LIFETIME_MS + 60_000);
    expect(await persister.trimStreams()).toBe(20_000);
    const after = await eventMemory(fx.redis, keys);
    console.info(`event memory: ${before} B before the sales, ${sold} B after 20,000 persisted, ${after} B trimmed`);
    expect(sold - before).toBeGreaterThan(20_000 * 200); // what stayed forever before
    expect(after - before).toBeLessThan(BOUND_BYTES);
    expect(await fx.redis.exists(keys.orders, keys.idempotency)).toBe(0);
    // the stream and its group stay (a new sale appends; the persister's group goes on)
    expect(await fx.redis.xlen(keys.sales)).toBe(0);
    expect(await fx.engine.salesBacklog(eventId)).toEqual({ pending: 0, undelivered: 0 });
  }, 180_000);

  it('keeps what some group has not acknowledged, and what is younger than its lifetime', async () => {
    const users = await seedUsers(db.pool, 3);
    const { eventId } = await seedEvent(db.pool, fx.engine);
    const keys = fx.engine.keys(eventId)!;
    const orders: string[] = [];
    for (let i = 0; i < 3; i++) orders.push(await buy(fx.engine, eventId, users[i]!, [i]));
    // a second consumer group (an audit reader) that has read nothing yet
    await fx.redis.xgroup('CREATE', keys.sales, 'audit', '0', 'MKSTREAM');
    const clock = new FakeClock(Date.now());
    const persister = trimmer(fx, db, clock);
    while ((await persister.drainOnce()) > 0);

    // persisted, but young: a retry of the first checkout still finds its order in the actor
    expect(await persister.trimStreams()).toBe(0);
    expect(await fx.engine.getHold(eventId, users[0]!, orders[0]!)).toMatchObject({
      ok: true,
      boughtOrderId: orders[0],
    });

    clock.advance(SALES_RECORD_LIFETIME_MS + 60_000);
    expect(await persister.trimStreams()).toBe(0); // audit has read nothing
    const read = (await fx.redis.xreadgroup('GROUP', 'audit', 'a1', 'COUNT', 2, 'STREAMS', keys.sales, '>')) as [
      string,
      [string, string[]][],
    ][];
    const [first, second] = read[0]![1].map(([id]) => id);
    expect(await persister.trimStreams()).toBe(0); // both still pending at audit
    await fx.redis.xack(keys.sales, 'audit', first!);
    expect(await persister.trimStreams()).toBe(1); // up to audit's oldest pending entry, not past it
    expect((await fx.redis.xrange(keys.sales, '-', '+')).map(([id]) => id)[0]).toBe(second);
    // the first sale's records went with its entry; the others' stay
    expect(await fx.engine.getHold(eventId, users[0]!, orders[0]!)).toEqual({
      ok: true,
      held: [],
      boughtOrderId: undefined,
    });
    expect((await fx.engine.orders(eventId)).map((o) => o.orderId).sort()).toEqual([orders[1], orders[2]].sort());
  });
});

describe("a refund or a cancellation after the actor's records of the orders were trimmed", () => {
  let api: ApiFixture;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.close());

  async function soldAndTrimmed(buyers: { id: string }[]) {
    const { eventId } = await seedEvent(api.db.pool, api.fx.engine);
    const orders: string[] = [];
    for (const [i, buyer] of buyers.entries()) orders.push(await buy(api.fx.engine, eventId, buyer.id, [i]));
    await expect
      .poll(
        async () =>
          (await api.db.pool.query(`SELECT count(*)::int AS n FROM orders WHERE event_id = $1`, [eventId])).rows[0].n,
        { timeout: 10_000 },
      )
      .toBe(buyers.length);
    const clock = new FakeClock(Date.now() + SALES_RECORD_LIFETIME_MS + 60_000);
    const persister = new Persister({
      redis: api.fx.redis,
      pool: api.db.pool,
      log: silentLogger,
      prefix: api.fx.prefix,
      clock,
    });
    await expect
      .poll(() => persister.trimStreams().then(() => api.fx.engine.orders(eventId)), { timeout: 10_000 })
      .toEqual([]);
    return { eventId, orders };
  }

  const states = async (eventId: string) => {
    const snapshot = await api.fx.engine.snapshotEvent(eventId);
    if (!snapshot.ok) throw new Error(snapshot.code);
    return snapshot.states;
  };

  it('a refund reads the order from Postgres, frees its seat and is recorded', async () => {
    const buyer = await api.user();
    const {
      eventId,
      orders: [orderId],
    } = await soldAndTrimmed([buyer]);
    const refund = await api.call('POST', `/api/orders/${orderId}/refund`, { token: buyer.token });
    expect(refund.status).toBe(200);
    expect((await refund.json()).order).toMatchObject({ id: orderId, status: 'refunded' });
    expect((await states(eventId))[0]).toBe('0');
    // once refunded it stays refunded: a second refund is refused
    const again = await api.call('POST', `/api/orders/${orderId}/refund`, { token: buyer.token });
    expect(again.status).toBe(409);
  });

  it('a cancellation refunds every order, those the actor no longer records included', async () => {
    const admin = await api.user('admin');
    const buyers = [await api.user(), await api.user()];
    const { eventId, orders } = await soldAndTrimmed(buyers);
    expect((await api.call('POST', `/api/admin/events/${eventId}/cancel`, { token: admin.token })).status).toBe(200);
    const { rows } = await api.db.pool.query<{ id: string; status: string }>(
      `SELECT id, status FROM orders WHERE event_id = $1 ORDER BY id`,
      [eventId],
    );
    expect(rows).toEqual([...orders].sort().map((id) => ({ id, status: 'refunded' })));
    expect((await states(eventId)).slice(0, 2)).toBe('00');
  });
});
