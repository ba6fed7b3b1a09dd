import { Redis } from 'ioredis';
import { createEngine } from '../src/engine/engine.js';
import { startPrivateRedis } from '../src/infra/redisServer.js';
import { measure, table, type Measurement } from './measure.js';

const CONCURRENCY = 64;
const SEATS = 60_000;
const BUYERS = 20_000;

/** Reserve and confirm through the engine next to a raw EVALSHA of a no-op script. */
export async function engineBench(): Promise<{ rows: Measurement[]; summary: Record<string, number> }> {
  const server = await startPrivateRedis();
  const redis = new Redis(server.url);
  try {
    const engine = createEngine({ redis, prefix: 'bench:' });
    const eventId = 'bench-engine';
    await engine.loadEvent({
      eventId,
      seatPricesCents: Array(SEATS).fill(5000),
      onSaleMs: 0,
      highDemand: false,
    });
    const noopSha = (await redis.script('LOAD', 'return 1')) as string;
    const noopKey = engine.keys(eventId)!.state;

    const warm = () =>
      measure('warm-up', 5_000, CONCURRENCY, async () => {
        await redis.evalsha(noopSha, 1, noopKey);
      });
    await warm();
    const noop = await measure('EVALSHA no-op (baseline)', 40_000, CONCURRENCY, async () => {
      await redis.evalsha(noopSha, 1, noopKey);
    });
    // 2 seats per reserve, 3 reserves per buyer (6 seats, the cap): every call succeeds.
    const reserve = await measure('engine.reserve (2 seats)', 30_000, CONCURRENCY, async (i) => {
      const r = await engine.reserveSeats(eventId, `buyer-${i % 10_000}`, [2 * i, 2 * i + 1]);
      return r.ok;
    });
    const holds = await Promise.all(
      Array.from({ length: BUYERS / 2 }, (_, b) => engine.getHold(eventId, `buyer-${b}`)),
    );
    const confirm = await measure('engine.confirmSale (6 seats)', holds.length, CONCURRENCY, async (b) => {
      const hold = holds[b]!;
      const r = await engine.confirmSale({
        eventId,
        userId: `buyer-${b}`,
        orderId: `order-${b}`,
        idempotencyKey: `k-${b}`,
        paymentRef: 'p',
        seats: hold.ok ? hold.held.map((s) => s.index) : [],
      });
      return r.ok;
    });
    const snapshot = await measure('engine.snapshot (60,000 seats)', 2_000, CONCURRENCY, async () => {
      return (await engine.snapshotEvent(eventId)).ok;
    });
    const rows = [noop, reserve, confirm, snapshot];
    console.log(`\n## engine (private redis-server, ${CONCURRENCY} concurrent callers, one connection)\n`);
    console.log(table(rows, noop));
    const reserveRatio = reserve.opsPerSecond / noop.opsPerSecond;
    console.log(`\nreserve / no-op EVALSHA = ${(reserveRatio * 100).toFixed(0)}% (target >= 50%)`);
    return { rows, summary: { reserveVsNoop: reserveRatio, confirmVsNoop: confirm.opsPerSecond / noop.opsPerSecond } };
  } finally {
    redis.disconnect();
    await server.stop();
  }
}
