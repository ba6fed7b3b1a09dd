import { httpClient } from './httpClient.js';
import { measure, table, type Measurement } from './measure.js';
import { benchStack, createBuyers, createEvent } from './support.js';

const CONNECTIONS = 64;
const RESERVES = 15_000;
const BUYERS = RESERVES / 3;
const CHECKOUTS = 2_000;
const LOCK_RESERVES = 5_000;

/**
 * The API over real HTTP (its own process, real Redis and Postgres) next to a bare Hono
 * endpoint and the database-only reserve, all at 64 keep-alive connections in the same run.
 */
export async function httpBench(): Promise<{ rows: Measurement[]; summary: Record<string, number> }> {
  const stack = await benchStack();
  const { db } = stack;
  try {
    const big = await createEvent(db.pool, 300, 200);
    const map1k = await createEvent(db.pool, 10, 100);
    const map10k = await createEvent(db.pool, 50, 200);
    const tokens = await createBuyers(db.pool, stack.sessions, BUYERS);
    await db.pool.query(`CREATE TABLE lock_seats (seat_index int PRIMARY KEY, status text NOT NULL, holder text, held_until timestamptz)`);
    await db.pool.query(`INSERT INTO lock_seats SELECT i, 'available' FROM generate_series(0, 59999) AS i`);

    const [api, bare, pglock] = await Promise.all([stack.startApi(), stack.startBaseline('bare'), stack.startBaseline('pglock')]);
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
    // The k6 browse and hold-churn journeys, closed-loop: one op is the whole journey.
    const browse = await measure('browse: search + event page + seat map (3 requests)', 2_000, CONNECTIONS, async () => {
      const answers = await Promise.all([
        apiClient.request('GET', '/api/events?limit=20'), apiClient.request('GET', `/api/events/${map1k.id}`),
      ]);
      const map = await apiClient.request('GET', `/api/events/${map1k.id}/seats`);
      return answers.every((a) => a.status === 200) && map.status === 200;
    });
    // buyers who checked out hold nothing now; seats from 40,000 on were never touched
    const churn = await measure('hold churn: reserve + release, 1 seat (2 requests)', 5_000, CONNECTIONS, async (i) => {
      const body = { eventId: big.id, seatIds: [big.seatIds[40_000 + i]] };
      const held = await apiClient.request('POST', '/api/seats/reserve', { headers: auth(i % CHECKOUTS), body });
      const released = await apiClient.request('DELETE', '/api/seats/release', { headers: auth(i % CHECKOUTS), body });
      return held.status === 201 && released.status === 200;
    });
    for (const client of [apiClient, bareClient, lockClient]) client.close();

    const rows = [bareRow, health, me, reserve, lock, checkout, seatMap1k, seatMap10k, browse, churn];
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
    await stack.close();
  }
}
