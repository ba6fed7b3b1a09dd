import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { createEngine, type Engine } from '../src/engine/engine.js';
import { expandLayout } from '../src/domain/layout.js';
import { silentLogger } from '../src/infra/logger.js';
import { startPrivateRedis } from '../src/infra/redisServer.js';
import type { Pool } from '../src/persist/db.js';
import { Persister } from '../src/persist/persister.js';
import { insertEventWithSeats } from '../src/persist/repositories/events.js';
import { insertVenue } from '../src/persist/repositories/venues.js';
import { measure, table, type Measurement } from './measure.js';
import { benchAdminUrl, scratchDatabase } from './support.js';

const SALES = 10_000;
const SEATS_PER_SALE = 2;
const BATCH = 500;

async function seed(pool: Pool, engine: Engine, seats: number, users: number) {
  const sections = [{ name: 'Floor', rows: seats / 100, seatsPerRow: 100 }];
  const venue = await insertVenue(pool, {
    id: randomUUID(),
    name: 'Bench Arena',
    address: '',
    city: 'Bench',
    sections,
  });
  const layout = expandLayout(sections, { Floor: 5000 });
  const eventId = randomUUID();
  await insertEventWithSeats(
    pool,
    {
      id: eventId,
      name: 'Bench',
      artist: 'Bench',
      venue_id: venue.id,
      event_date: new Date(Date.now() + 86_400_000),
      on_sale_date: new Date(0),
      high_demand: false,
      prices: { Floor: 5000 },
    },
    layout,
    layout.map(() => randomUUID()),
  );
  const userIds = Array.from({ length: users }, () => randomUUID());
  await pool.query(
    `INSERT INTO users (id, email, name, password_hash) SELECT id, id || '@bench', 'b', 'x' FROM unnest($1::uuid[]) id`,
    [userIds],
  );
  await engine.loadEvent({ eventId, seatPricesCents: layout.map((s) => s.priceCents), onSaleMs: 0, highDemand: false });
  return { eventId, userIds };
}

async function sell(engine: Engine, eventId: string, userId: string, first: number) {
  const seats = Array.from({ length: SEATS_PER_SALE }, (_, i) => first + i);
  const r = await engine.reserveSeats(eventId, userId, seats);
  if (!r.ok) throw new Error(r.code);
  const orderId = randomUUID();
  const s = await engine.confirmSale({ eventId, userId, orderId, idempotencyKey: orderId, paymentRef: 'p', seats });
  if (!s.ok) throw new Error(s.code);
  return orderId;
}

/** Drain rate of the persister next to a plain multi-row INSERT of the same rows; watermark latency under load. */
export async function persisterBench(): Promise<{ rows: Measurement[]; summary: Record<string, number> }> {
  const adminUrl = benchAdminUrl();
  const server = await startPrivateRedis();
  const redis = new Redis(server.url);
  const dbA = await scratchDatabase(adminUrl);
  const dbB = await scratchDatabase(adminUrl);
  try {
    const engine = createEngine({ redis, prefix: 'bench:' });
    const { eventId, userIds } = await seed(dbA.pool, engine, SALES * SEATS_PER_SALE, SALES);
    for (let i = 0; i < SALES; i += 64) {
      await Promise.all(
        Array.from({ length: Math.min(64, SALES - i) }, (_, j) =>
          sell(engine, eventId, userIds[i + j]!, (i + j) * SEATS_PER_SALE),
        ),
      );
    }
    const persister = new Persister({ redis, pool: dbA.pool, log: silentLogger, prefix: 'bench:', batchSize: BATCH });
    const t0 = performance.now();
    while ((await persister.drainOnce()) > 0);
    const drainSeconds = (performance.now() - t0) / 1000;
    const persisted = (await dbA.pool.query('SELECT count(*)::int AS n FROM orders')).rows[0].n as number;
    if (persisted !== SALES) throw new Error(`persisted ${persisted} of ${SALES}`);

    // Baseline: the same orders and tickets as plain multi-row INSERTs, one transaction per batch.
    const b = await seed(dbB.pool, engine, SALES * SEATS_PER_SALE, SALES);
    const seatIds = (
      await dbB.pool.query<{ id: string }>('SELECT id FROM seats WHERE event_id = $1 ORDER BY seat_index', [b.eventId])
    ).rows.map((r) => r.id);
    const t1 = performance.now();
    for (let first = 0; first < SALES; first += BATCH) {
      const client = await dbB.pool.connect();
      const n = Math.min(BATCH, SALES - first);
      const orderIds = Array.from({ length: n }, () => randomUUID());
      const ov: string[] = [];
      const op: unknown[] = [];
      orderIds.forEach((id, i) => {
        const k = op.length;
        ov.push(`($${k + 1}, $${k + 2}, $${k + 3}, 'completed', 10000, $${k + 4}, 'p', $${k + 5}, now())`);
        op.push(id, b.userIds[first + i], b.eventId, id, `${first + i}-0`);
      });
      const tv: string[] = [];
      const tp: unknown[] = [];
      orderIds.forEach((id, i) => {
        for (let s = 0; s < SEATS_PER_SALE; s++) {
          const k = tp.length;
          tv.push(`($${k + 1}, $${k + 2}, $${k + 3}, 5000, $${k + 4})`);
          tp.push(id, b.eventId, seatIds[(first + i) * SEATS_PER_SALE + s], b.userIds[first + i]);
        }
      });
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO orders (id, user_id, event_id, status, total_cents, idempotency_key, payment_ref, stream_id, created_at) VALUES ${ov.join(',')}`,
        op,
      );
      await client.query(
        `INSERT INTO tickets (order_id, event_id, seat_id, price_cents, holder_id) VALUES ${tv.join(',')}`,
        tp,
      );
      await client.query('COMMIT');
      client.release();
    }
    const insertSeconds = (performance.now() - t1) / 1000;

    // Watermark latency: sale confirmed in Redis -> announced durable, with the persister running.
    const lat = await scratchDatabase(adminUrl);
    const live = await seed(lat.pool, engine, 4_000, 2_000);
    const running = new Persister({
      redis,
      pool: lat.pool,
      log: silentLogger,
      prefix: 'bench:',
      batchSize: BATCH,
      pollMs: 50,
    });
    const waiting = new Map<string, () => void>();
    const sub = redis.duplicate();
    sub.on('message', (_c, msg: string) => {
      for (const id of msg.split(' ')) waiting.get(id)?.();
    });
    await sub.subscribe('bench:persisted');
    await running.start();
    const watermark = await measure('sale confirmed -> durable (32 buyers)', 2_000, 32, async (i) => {
      const seats = [2 * i, 2 * i + 1];
      const r = await engine.reserveSeats(live.eventId, live.userIds[i]!, seats);
      if (!r.ok) return false;
      const orderId = randomUUID();
      const durable = new Promise<void>((resolve) => waiting.set(orderId, resolve));
      const s = await engine.confirmSale({
        eventId: live.eventId,
        userId: live.userIds[i]!,
        orderId,
        idempotencyKey: orderId,
        paymentRef: 'p',
        seats,
      });
      if (!s.ok) return false;
      await durable;
      waiting.delete(orderId);
    });
    await running.stop();
    sub.disconnect();
    await lat.drop();

    const drainRow: Measurement = {
      name: `persister drain (${SALES} sales, ${SEATS_PER_SALE} seats each)`,
      ops: SALES,
      errors: 0,
      seconds: drainSeconds,
      opsPerSecond: SALES / drainSeconds,
      p50Ms: 0,
      p95Ms: 0,
      p99Ms: 0,
    };
    const insertRow: Measurement = {
      name: 'plain multi-row INSERT, same rows (baseline)',
      ops: SALES,
      errors: 0,
      seconds: insertSeconds,
      opsPerSecond: SALES / insertSeconds,
      p50Ms: 0,
      p95Ms: 0,
      p99Ms: 0,
    };
    const rows = [insertRow, drainRow, watermark];
    console.log('\n## persister (private redis-server, local Postgres)\n');
    console.log(table(rows, insertRow));
    const ratio = drainRow.opsPerSecond / insertRow.opsPerSecond;
    console.log(
      `\npersister / plain INSERT = ${(ratio * 100).toFixed(0)}% (target >= 50%); watermark p50 ${watermark.p50Ms.toFixed(1)} ms, p99 ${watermark.p99Ms.toFixed(1)} ms`,
    );
    return {
      rows,
      summary: { drainVsInsert: ratio, watermarkP50Ms: watermark.p50Ms, watermarkP99Ms: watermark.p99Ms },
    };
  } finally {
    redis.disconnect();
    await server.stop();
    await dbA.drop();
    await dbB.drop();
  }
}
