import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { expandLayout, type Section } from '../src/domain/layout.js';
import { SessionStore } from '../src/http/sessions.js';
import { startPrivateRedis } from '../src/infra/redisServer.js';
import type { Pool } from '../src/persist/db.js';
import { insertEventWithSeats } from '../src/persist/repositories/events.js';
import { insertVenue } from '../src/persist/repositories/venues.js';
import { spawnServer, type ApiProcess } from '../tests/support/apiProcess.js';
import { httpClient } from './httpClient.js';
import { measure, table, type Measurement } from './measure.js';
import { benchAdminUrl, scratchDatabase } from './support.js';

const CONNECTIONS = 64;
const PREFIX = 'bench:';
const RESERVES = 15_000;
const BUYERS = RESERVES / 3;
const CHECKOUTS = 2_000;
const LOCK_RESERVES = 5_000;

/** An on-sale event of rows x seatsPerRow seats in Postgres (the API loads its actor at start). */
async function createEvent(pool: Pool, rows: number, seatsPerRow: number): Promise<{ id: string; seatIds: string[] }> {
  const sections: Section[] = [{ name: 'Floor', rows, seatsPerRow }];
  const venue = await insertVenue(pool, { id: randomUUID(), name: `Hall ${rows * seatsPerRow}`, address: '', city: 'Bench', sections });
  const seats = expandLayout(sections, { Floor: 5000 });
  const seatIds = seats.map(() => randomUUID());
  const id = randomUUID();
  await insertEventWithSeats(pool, {
    id, name: 'Bench Night', artist: 'Bench', venue_id: venue.id, event_date: new Date(Date.now() + 86_400_000),
    on_sale_date: new Date(Date.now() - 60_000), high_demand: false, prices: { Floor: 5000 },
  }, seats, seatIds);
  return { id, seatIds };
}

async function createBuyers(pool: Pool, sessions: SessionStore, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, () => randomUUID());
  await pool.query(
    `INSERT INTO users (id, email, name, password_hash) SELECT id, id || '@bench.test', 'Buyer', 'x' FROM unnest($1::uuid[]) AS id`,
    [ids],
  );
  const tokens: string[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    tokens.push(...(await Promise.all(ids.slice(i, i + 500).map((id) =>
      sessions.create({ id, email: `${id}@bench.test`, name: 'Buyer', role: 'user' })))));
  }
  return tokens;
}

/**
 * The API over real HTTP (its own process, real Redis and Postgres) next to a bare Hono
 * endpoint and the database-only reserve, all at 64 keep-alive connections in the same run.
 */
export async function httpBench(): Promise<{ rows: Measurement[]; summary: Record<string, number> }> {
  const redisServer = await startPrivateRedis();
  const redis = new Redis(redisServer.url);
  const db = await scratchDatabase(benchAdminUrl());
  const servers: ApiProcess[] = [];
  try {
    const big = await createEvent(db.pool, 300, 200);
    const map1k = await createEvent(db.pool, 10, 100);
    const map10k = await createEvent(db.pool, 50, 200);
    const tokens = await createBuyers(db.pool, new SessionStore(redis, PREFIX), BUYERS);
    await db.pool.query(`CREATE TABLE lock_seats (seat_index int PRIMARY KEY, status text NOT NULL, holder text, held_until timestamptz)`);
    await db.pool.query(`INSERT INTO lock_seats SELECT i, 'available' FROM generate_series(0, 59999) AS i`);

    const env = { DATABASE_URL: db.url, REDIS_URL: redisServer.url, REDIS_PREFIX: PREFIX, PORT: '0', RATE_LIMITS: 'off', LOG_LEVEL: 'info' };
    const [api, bare, pglock] = await Promise.all([
      spawnServer(['src/main.ts'], env, process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
      spawnServer(['bench/baselines.ts', 'bare'], {}),
      spawnServer(['bench/baselines.ts', 'pglock'], { DATABASE_URL: db.url }),
    ]);
    servers.push(api, bare, pglock);
    const apiClient = httpClient(api.url, CONNECTIONS);
    const bareClient = httpClient(bare.url, CONNECTIONS);
    const lockClient = httpClient(pglock.url, CONNECTIONS);
    const auth = (i: number) => ({ authorization: `Bearer ${tokens[i % BUYERS]}` });

    await measure('warm-up', 3_000, CONNECTIONS, async () => (await bareClient.request('GET', '/ping')).status === 200);
    await measure('warm-up', 2_000, CONNECTIONS, async () => (await apiClient.request('GET', `/api/events/${map1k.id}/seats`)).status === 200);
    const bareRow = await measure('bare Hono GET /ping (baseline)', 30_000, CONNECTIONS, async () =>
      (await bareClient.request('GET', '/ping')).status === 200);
    // Where a request's time goes: the API's middleware alone, then with a session lookup.
    const health = await measure('GET /healthz (API middleware only)', 20_000, CONNECTIONS, async () =>
      (await apiClient.request('GET', '/healthz')).status === 200);
    const me = await measure('GET /api/auth/me (session lookup)', 20_000, CONNECTIONS, async (i) =>
      (await apiClient.request('GET', '/api/auth/me', { headers: auth(i) })).status === 200);
    const reserve = await measure('POST /api/seats/reserve (2 seats)', RESERVES, CONNECTIONS, async (i) => {
      const res = await apiClient.request('POST', '/api/seats/reserve', {
        headers: auth(i), body: { eventId: big.id, seatIds: [big.seatIds[2 * i], big.seatIds[2 * i + 1]] },
      });
      return res.status === 201;
    });
    const lock = await measure('Postgres SELECT ... FOR UPDATE reserve (baseline)', LOCK_RESERVES, CONNECTIONS, async (i) =>
      (await lockClient.request('POST', '/reserve', { body: { userId: `u${i}`, seats: [2 * i, 2 * i + 1] } })).status === 201);
    const checkout = await measure('POST /api/checkout (6 seats)', CHECKOUTS, CONNECTIONS, async (i) => {
      const res = await apiClient.request('POST', '/api/checkout', {
        headers: { ...auth(i), 'idempotency-key': `bench-${i}` },
        body: { eventId: big.id, payment: { method: 'card', token: 'tok_visa' } },
      });
      return res.status === 201;
    });
    const seatMap1k = await measure('GET seat map (1,000 seats)', 5_000, CONNECTIONS, async () =>
      (await apiClient.request('GET', `/api/events/${map1k.id}/seats`)).status === 200);
    const seatMap10k = await measure('GET seat map (10,000 seats)', 1_000, CONNECTIONS, async () =>
      (await apiClient.request('GET', `/api/events/${map10k.id}/seats`)).status === 200);
    for (const client of [apiClient, bareClient, lockClient]) client.close();

    const rows = [bareRow, health, me, reserve, lock, checkout, seatMap1k, seatMap10k];
    console.log(`\n## http (API in its own process, real Redis and Postgres, ${CONNECTIONS} keep-alive connections)\n`);
    console.log(table(rows, bareRow));
    const summary = {
      reserveVsBareHono: reserve.opsPerSecond / bareRow.opsPerSecond,
      reserveVsPostgresLock: reserve.opsPerSecond / lock.opsPerSecond,
      checkoutP99Ms: checkout.p99Ms,
    };
    console.log(`\nreserve = ${(summary.reserveVsBareHono * 100).toFixed(0)}% of bare Hono (target 50%), `
      + `${summary.reserveVsPostgresLock.toFixed(1)}x the Postgres-lock design (target 10x); `
      + `checkout p99 ${checkout.p99Ms.toFixed(1)} ms (target 50 ms)`);
    return { rows, summary };
  } finally {
    for (const server of servers) server.child.kill('SIGTERM');
    await Promise.all(servers.map((s) => s.exited));
    redis.disconnect();
    await db.drop();
    await redisServer.stop();
  }
}
