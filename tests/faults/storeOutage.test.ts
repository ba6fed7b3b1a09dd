import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedEvent, type SeededEvent } from '../support/world.js';
import { apiOnPrivateStores, countBy, traffic, type PrivateStores } from './privateStores.js';

/**
 * Each store's outage under mixed traffic (holds, which need only Redis, and order reads,
 * which need Postgres): an outage of one store must not be blamed on the other.
 */
let env: PrivateStores;
let world: SeededEvent;
beforeAll(async () => {
  env = await apiOnPrivateStores();
  world = await seedEvent(env.api.db.pool, env.api.fx.engine, { rows: 4, seatsPerRow: 50 });
});
afterAll(() => env.close());

const reserveEach = (buyers: { token: string }[], firstSeat: number) => {
  let next = 0;
  return () => {
    const i = next++;
    return env.api.call('POST', '/api/seats/reserve', {
      token: buyers[i % buyers.length]!.token,
      body: { eventId: world.eventId, seatIds: [world.seatIds[firstSeat + i]!] },
    });
  };
};

describe('a store outage under mixed traffic', () => {
  it('Postgres stopped: holds keep working (Redis is not blamed), order reads answer 503 database_unavailable', async () => {
    const buyers = await Promise.all(Array.from({ length: 40 }, () => env.api.user()));
    const reader = await env.api.user();
    // The layout is read once while Postgres is up, as a running server would have it.
    expect((await env.api.call('GET', `/api/events/${world.eventId}/seats`)).status).toBe(200);
    await env.postgres.stop();
    try {
      const [holds, reads] = await Promise.all([
        traffic(reserveEach(buyers, 0), 1_500, 40),
        traffic(() => env.api.call('GET', '/api/orders', { token: reader.token }), 1_500, 20),
      ]);
      expect(holds.length).toBeGreaterThan(5);
      expect(countBy(holds, (r) => `${r.status}`)).toEqual({ 201: holds.length });
      expect(countBy(reads, (r) => `${r.status} ${r.code}`)).toEqual({ '503 database_unavailable': reads.length });
      expect(env.health.isUp).toBe(true);
    } finally {
      await env.postgres.start();
    }
    await expect
      .poll(async () => (await env.api.call('GET', '/api/orders', { token: reader.token })).status, { timeout: 10_000 })
      .toBe(200);
  }, 30_000);

  it('Redis killed: holds answer 503 redis_unavailable, event pages are served from Postgres, Postgres is not blamed', async () => {
    const buyer = await env.api.user();
    await env.redisServer.kill();
    try {
      const [holds, pages] = await Promise.all([
        traffic(reserveEach([buyer], 100), 1_500, 40),
        traffic(() => env.api.call('GET', `/api/events/${world.eventId}`), 1_500, 20),
      ]);
      expect(countBy(holds, (r) => `${r.status} ${r.code}`)).toEqual({ '503 redis_unavailable': holds.length });
      expect(countBy(pages, (r) => `${r.status}`)).toEqual({ 200: pages.length });
    } finally {
      await env.redisServer.restart();
    }
    await expect.poll(() => env.health.isUp, { timeout: 10_000 }).toBe(true);
  }, 30_000);
});

describe('one deadline per request (2 s) while a store is paused', () => {
  it('Redis paused: every request is answered within the deadline, however many Redis calls it makes', async () => {
    const buyer = await env.api.user();
    await expect.poll(() => env.health.isUp, { timeout: 10_000 }).toBe(true);
    env.redisServer.pause();
    try {
      // An event page with a session makes three Redis calls in a row (session, cache, counts).
      const [answers, pages] = await Promise.all([
        traffic(
          () =>
            env.api.call('POST', '/api/seats/reserve', {
              token: buyer.token,
              body: { eventId: world.eventId, seatIds: [world.seatIds[150]!] },
            }),
          600,
          50,
        ),
        traffic(() => env.api.call('GET', `/api/events/${world.eventId}`, { token: buyer.token }), 600, 50),
      ]);
      for (const r of [...answers, ...pages]) expect(r.ms).toBeLessThan(2_000 + 400);
      expect(answers.every((r) => r.status === 503)).toBe(true);
    } finally {
      env.redisServer.resume();
    }
  }, 30_000);

  it('Postgres paused: order reads answer 503 within the deadline instead of hanging', async () => {
    const reader = await env.api.user();
    await expect.poll(() => env.health.isUp, { timeout: 10_000 }).toBe(true);
    env.postgres.pause();
    try {
      const reads = await traffic(() => env.api.call('GET', '/api/orders', { token: reader.token }), 500, 100);
      for (const r of reads) expect(r.ms).toBeLessThan(2_000 + 400);
      expect(countBy(reads, (r) => `${r.status} ${r.code}`)).toEqual({ '503 database_unavailable': reads.length });
    } finally {
      env.postgres.resume();
    }
    await expect
      .poll(async () => (await env.api.call('GET', '/api/orders', { token: reader.token })).status, { timeout: 10_000 })
      .toBe(200);
  }, 30_000);
});
