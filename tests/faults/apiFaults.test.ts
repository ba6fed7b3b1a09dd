import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAIL_FAST_REDIS, RedisHealth, redisReady } from '../../src/infra/availability.js';
import { silentLogger } from '../../src/infra/logger.js';
import { StoreRedis } from '../../src/infra/storeRedis.js';
import { startPrivatePostgres, type PrivatePostgres } from '../../src/infra/postgresServer.js';
import { startPrivateRedis } from '../../src/infra/redisServer.js';
import { createPool } from '../../src/persist/db.js';
import { migrate } from '../../src/persist/migrate.js';
import { startApi, type ApiFixture } from '../support/api.js';
import { engineFixture } from '../support/engine.js';
import { freshDatabase } from '../support/postgres.js';
import { seedEvent, type SeededEvent } from '../support/world.js';

/** The API on a private Redis (AOF on) with a real circuit breaker, so the Redis can be paused and killed. */
async function apiOnPrivateRedis(db = freshDatabase()) {
  const server = await startPrivateRedis({ appendOnly: true });
  const redis = new StoreRedis(server.url, FAIL_FAST_REDIS);
  await redisReady(redis);
  const health = new RedisHealth(redis, silentLogger, 200);
  health.start();
  const api = await startApi({
    fx: engineFixture({}, redis),
    db: await db,
    redisHealth: health,
    durableTimeoutMs: 1_000,
  });
  return {
    server,
    api,
    health,
    async close() {
      health.stop();
      await api.close();
      await server.stop();
    },
  };
}

/** A request that must be answered (not hang): fails the test after 8 s. */
const call = (api: ApiFixture, method: string, path: string, options: Parameters<ApiFixture['call']>[2] = {}) =>
  Promise.race([
    api.call(method, path, options),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${method} ${path} hung`)), 8_000)),
  ]);

const reserve = (api: ApiFixture, token: string, eventId: string, seatId: string) =>
  call(api, 'POST', '/api/seats/reserve', { token, body: { eventId, seatIds: [seatId] } });

describe('Redis paused, then killed', () => {
  let env: Awaited<ReturnType<typeof apiOnPrivateRedis>>;
  let world: SeededEvent;
  let buyer: { id: string; token: string };
  beforeAll(async () => {
    env = await apiOnPrivateRedis();
    world = await seedEvent(env.api.db.pool, env.api.fx.engine, { rows: 1, seatsPerRow: 20 });
    buyer = await env.api.user();
    expect((await reserve(env.api, buyer.token, world.eventId, world.seatIds[0]!)).status).toBe(201);
  });
  afterAll(() => env.close());

  it('a paused Redis: writes get a quick 503 with Retry-After, browsing answers from Postgres, and all recovers', async () => {
    env.server.pause();
    try {
      const refused = await reserve(env.api, buyer.token, world.eventId, world.seatIds[1]!);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('2');
      expect(await refused.json()).toMatchObject({ code: 'redis_unavailable' });
      await expect.poll(() => env.health.isUp).toBe(false);
      const fast = await reserve(env.api, buyer.token, world.eventId, world.seatIds[1]!);
      expect(fast.status).toBe(503);

      const event = await call(env.api, 'GET', `/api/events/${world.eventId}`);
      expect(event.status).toBe(200);
      // counts from the durable record: nothing sold, holds unknown there
      expect((await event.json()).event.counts).toEqual({ total: 20, available: 20, held: 0, sold: 0 });
      const list = await call(env.api, 'GET', `/api/events?venueId=${world.venueId}`);
      expect((await list.json()).events.map((e: { id: string }) => e.id)).toEqual([world.eventId]);
    } finally {
      env.server.resume();
    }
    await expect
      .poll(async () => (await reserve(env.api, buyer.token, world.eventId, world.seatIds[1]!)).status, {
        timeout: 10_000,
      })
      .toBe(201);
    const hold = await env.api.fx.engine.getHold(world.eventId, buyer.id);
    expect(hold.ok && hold.held.map((h) => h.index)).toEqual([0, 1]);
  });

  it('a killed Redis: writes get 503 at once; after a restart (AOF) holds and sessions are back', async () => {
    await env.server.kill();
    const refused = await reserve(env.api, buyer.token, world.eventId, world.seatIds[2]!);
    expect(refused.status).toBe(503);
    expect((await call(env.api, 'GET', `/api/events/${world.eventId}`)).status).toBe(200);
    await env.server.restart();
    await expect
      .poll(async () => (await reserve(env.api, buyer.token, world.eventId, world.seatIds[2]!)).status, {
        timeout: 10_000,
      })
      .toBe(201);
    const hold = await env.api.fx.engine.getHold(world.eventId, buyer.id);
    expect(hold.ok && hold.held.map((h) => h.index)).toEqual([0, 1, 2]);
  });

  it('a flushed script cache mid-run: no request notices', async () => {
    const buyers = await Promise.all(Array.from({ length: 15 }, () => env.api.user()));
    const flushes = [0, 5, 10].map((ms) =>
      new Promise((r) => setTimeout(r, ms)).then(() => env.api.fx.redis.script('FLUSH')),
    );
    const answers = await Promise.all(
      buyers.map((b, i) => reserve(env.api, b.token, world.eventId, world.seatIds[5 + i]!)),
    );
    await Promise.all(flushes);
    expect(answers.map((r) => r.status)).toEqual(Array(15).fill(201));
  });
});

describe('Postgres stopped', () => {
  let pg: PrivatePostgres;
  let env: Awaited<ReturnType<typeof apiOnPrivateRedis>>;
  beforeAll(async () => {
    pg = await startPrivatePostgres();
    const pool = createPool(pg.url, 10);
    await migrate(pool);
    env = await apiOnPrivateRedis(Promise.resolve({ url: pg.url, pool, drop: () => pool.end() }));
  });
  afterAll(async () => {
    await env.close();
    await pg.destroy();
  });

  it('holds and seat maps keep working, checkout answers 503 retryable, and the retry returns the order once it is back', async () => {
    const world = await seedEvent(env.api.db.pool, env.api.fx.engine, { rows: 1, seatsPerRow: 10 });
    const buyer = await env.api.user();
    expect((await reserve(env.api, buyer.token, world.eventId, world.seatIds[0]!)).status).toBe(201);

    await pg.stop();
    expect((await reserve(env.api, buyer.token, world.eventId, world.seatIds[1]!)).status).toBe(201);
    const map = await call(env.api, 'GET', `/api/events/${world.eventId}/seats`);
    expect(map.status).toBe(200);
    expect((await map.json()).counts).toMatchObject({ held: 2, sold: 0 });
    const body = { eventId: world.eventId, payment: { method: 'card', token: 'tok_visa' } };
    const first = await call(env.api, 'POST', '/api/checkout', {
      token: buyer.token,
      body,
      headers: { 'idempotency-key': 'pg-down' },
    });
    expect(first.status).toBe(503);
    expect(first.headers.get('retry-after')).toBeTruthy();
    // the sale is taken in the engine and waits in the stream
    expect(await env.api.fx.engine.getHold(world.eventId, buyer.id, 'pg-down')).toMatchObject({
      ok: true,
      boughtOrderId: expect.any(String),
    });

    // The persister backs off while Postgres refuses; a retry is told to come back when its
    // next attempt is due (derived from it), not in a second it cannot use.
    const persister = env.api.persister!;
    await expect.poll(() => persister.nextAttemptInMs() ?? 0, { timeout: 15_000, interval: 10 }).toBeGreaterThan(2_500);
    const retried = await call(env.api, 'POST', '/api/checkout', {
      token: buyer.token,
      body,
      headers: { 'idempotency-key': 'pg-down' },
    });
    const due = persister.nextAttemptInMs()!;
    expect(retried.status).toBe(503);
    const retryAfter = Number(retried.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(2);
    expect(retryAfter * 1000).toBeGreaterThanOrEqual(due); // not before the attempt
    expect((retryAfter - 1) * 1000).toBeLessThan(due + 200); // and not a second later than it

    await pg.start();
    let answer: Response | undefined;
    await expect
      .poll(
        async () => {
          answer = await call(env.api, 'POST', '/api/checkout', {
            token: buyer.token,
            body,
            headers: { 'idempotency-key': 'pg-down' },
          });
          return answer.status;
        },
        { timeout: 20_000, interval: 300 },
      )
      .toBe(201);
    const { order } = await answer!.json();
    expect(order.items).toHaveLength(2);
    const rows = await env.api.db.pool.query('SELECT id FROM orders WHERE user_id = $1', [buyer.id]);
    expect(rows.rows).toEqual([{ id: order.id }]);
  }, 40_000);
});
