import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { loadConfig } from '../src/config.js';
import { systemClock } from '../src/engine/clock.js';
import { silentLogger } from '../src/infra/logger.js';
import { startPrivateRedis } from '../src/infra/redisServer.js';
import { createRuntime } from '../src/runtime.js';
import { bestAreas } from '../src/services/bestAvailable.js';
import { TicketCodes } from '../src/services/ticketCodes.js';
import { measure, table, type Measurement } from './measure.js';
import { benchAdminUrl, BENCH_PREFIX, createEvent, scratchDatabase } from './support.js';

const CONCURRENCY = 64;
const CHECKIN_CONCURRENCY = 16;
const TICKETS = 5_000;
const SIGNATURE_CHECKS = 100_000;
const ROWS = 100;
const SEATS_PER_ROW = 100;
/** holds per variant: 2 seats each, 90% of the 10,000 seats */
const HOLDS = 4_500;

/** Codes checked by signature alone (in process, no I/O): a tight loop, timed. */
function signatureOnly(codes: TicketCodes, sample: string[]): Measurement {
  const started = performance.now();
  let errors = 0;
  for (let i = 0; i < SIGNATURE_CHECKS; i++) if (!codes.check(sample[i % sample.length]!).ok) errors += 1;
  const seconds = (performance.now() - started) / 1000;
  const perOpMs = (seconds * 1000) / SIGNATURE_CHECKS;
  return {
    name: 'code check, signature only',
    ops: SIGNATURE_CHECKS,
    errors,
    seconds,
    opsPerSecond: SIGNATURE_CHECKS / seconds,
    p50Ms: perOpMs,
    p95Ms: perOpMs,
    p99Ms: perOpMs,
  };
}

/**
 * Check-in codes verified per second, by signature only and with the check-in's conditional
 * UPDATE in Postgres; best-available holds per second on a 10,000-seat event next to plain
 * reserves of chosen seats, through the engine on a private redis-server.
 */
export async function ticketsBench() {
  const server = await startPrivateRedis();
  const redis = new Redis(server.url);
  const db = await scratchDatabase(benchAdminUrl(), 20);
  const secret = randomBytes(32).toString('base64url');
  const runtime = createRuntime(loadConfig({ REDIS_PREFIX: BENCH_PREFIX, TICKET_SECRET: secret }), {
    redis,
    pool: db.pool,
    log: silentLogger,
    persister: false,
    background: false,
  });
  try {
    // Tickets: one buyer, one order, a ticket per seat of a 5,000-seat event.
    const event = await createEvent(db.pool, 50, TICKETS / 50);
    const buyer = randomUUID();
    const orderId = randomUUID();
    await db.pool.query(`INSERT INTO users (id, email, name, password_hash) VALUES ($1, $2, 'Buyer', 'x')`, [
      buyer,
      `${buyer}@bench.test`,
    ]);
    await db.pool.query(
      `INSERT INTO orders (id, user_id, event_id, status, total_cents, idempotency_key, payment_ref, stream_id, created_at)
      VALUES ($1, $2, $3, 'completed', 0, $4, 'p', $4, now())`,
      [orderId, buyer, event.id, orderId],
    );
    const { rows: tickets } = await db.pool.query<{ id: string }>(
      `INSERT INTO tickets (order_id, event_id, seat_id, price_cents, holder_id)
       SELECT $1, $2, id, 5000, $3 FROM seats WHERE event_id = $2 ORDER BY seat_index RETURNING id`,
      [orderId, event.id, buyer],
    );
    const codes = new TicketCodes(secret, systemClock);
    const signature = signatureOnly(
      codes,
      tickets.map((t) => codes.issue(t.id, 1).code),
    );
    // Codes live 30 s: each scan signs its code just before (one HMAC, as a phone would show it).
    const checkIn = await measure(
      'check-in: signature + conditional UPDATE',
      tickets.length,
      CHECKIN_CONCURRENCY,
      async (i) =>
        (await runtime.tickets.checkIn(codes.issue(tickets[i]!.id, 1).code, { scannerId: null, gate: 'bench' })).ok,
    );
    const replay = await measure(
      'check-in replayed (already checked in)',
      tickets.length,
      CHECKIN_CONCURRENCY,
      async (i) =>
        (await runtime.tickets.checkIn(codes.issue(tickets[i]!.id, 1).code, { scannerId: null })).ok === false,
    );

    // Holds: the same number of 2-seat holds on two fresh 10,000-seat events.
    const engine = runtime.engine;
    const plainEvent = await createEvent(db.pool, ROWS, SEATS_PER_ROW);
    const bestEvent = await createEvent(db.pool, ROWS, SEATS_PER_ROW);
    for (const id of [plainEvent.id, bestEvent.id]) await runtime.catalog.ensureActor(id);
    const layout = (await runtime.catalog.layout(bestEvent.id))!;
    const areas = bestAreas(layout, {})!;
    const plain = await measure(
      'reserve, 2 chosen seats (baseline)',
      HOLDS,
      CONCURRENCY,
      async (i) => (await engine.reserveSeats(plainEvent.id, `buyer-${i}`, [2 * i, 2 * i + 1])).ok,
    );
    const best = await measure(
      'best available, 2 seats',
      HOLDS,
      CONCURRENCY,
      async (i) => (await engine.reserveBestSeats(bestEvent.id, `buyer-${i}`, 2, areas)).ok,
    );

    const rows = [signature, checkIn, replay, plain, best];
    console.log(`\n## tickets (Postgres scratch database, private redis-server)\n`);
    console.log(table(rows.slice(0, 3), signature));
    console.log('');
    console.log(table(rows.slice(3), plain));
    return {
      rows,
      summary: {
        codesPerSecondSignatureOnly: Math.round(signature.opsPerSecond),
        checkInsPerSecond: Math.round(checkIn.opsPerSecond),
        bestVsReserve: best.opsPerSecond / plain.opsPerSecond,
        bestHoldsPerSecond: Math.round(best.opsPerSecond),
        reservesPerSecond: Math.round(plain.opsPerSecond),
      },
    };
  } finally {
    await runtime.stop();
    redis.disconnect();
    await db.drop();
    await server.stop();
  }
}
