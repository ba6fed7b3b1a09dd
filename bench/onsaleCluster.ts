import { randomUUID } from 'node:crypto';
import type { Engine } from '../src/engine/engine.js';
import type { RedisClient } from '../src/infra/redisClient.js';
import { measure, table, type Measurement } from './measure.js';
import { onsaleBench } from './onsale.bench.js';
import { clusterBenchStack } from './support.js';

const CONCURRENCY = 64;
const SEATS = 60_000;
const RESERVES = 30_000;
const SHARDS = 3;

async function loadEvent(engine: Engine, eventId: string) {
  const loaded = await engine.loadEvent({ eventId, seatPricesCents: Array(SEATS).fill(5000), onSaleMs: 0, highDemand: false });
  if (!loaded.ok) throw new Error(`could not load ${eventId}: ${loaded.code}`);
}

/**
 * The ceiling of one shard on this machine, through the cluster client as the API uses it:
 * reserves of 2 seats on one event (an event is one slot, so one master), next to an EVAL of
 * `return 1` on the same slot; then the same number of reserves spread over one event on
 * each of the 3 masters, to see what more shards add here.
 */
async function shardCeiling(redis: RedisClient, engine: Engine, masterOf: (key: string) => Promise<{ port: number }>) {
  const events: string[] = [];
  const masters = new Set<number>();
  while (events.length < SHARDS) {
    const eventId = `shard-${randomUUID()}`;
    const { port } = await masterOf(engine.keys(eventId)!.state);
    if (masters.has(port)) continue;
    masters.add(port);
    events.push(eventId);
    await loadEvent(engine, eventId);
  }
  const [one] = events as [string];
  const key = engine.keys(one)!.state;
  const noopOp = async () => { await redis.eval('return 1', 1, key); };
  await measure('warm-up', 2_000, CONCURRENCY, noopOp);
  const noop = await measure('EVAL `return 1` on the event\'s slot (baseline)', RESERVES, CONCURRENCY, noopOp);
  // 3 reserves of 2 seats per buyer (6, the cap): every call succeeds
  const reserve = await measure('reserve, 2 seats, 1 event (1 shard)', RESERVES, CONCURRENCY, async (i) =>
    (await engine.reserveSeats(one, `b${i % 10_000}`, [2 * i, 2 * i + 1])).ok);
  const spread = await measure(`reserve, 2 seats, ${SHARDS} events on ${SHARDS} shards`, RESERVES, CONCURRENCY, async (i) => {
    const k = Math.floor(i / SHARDS);
    const eventId = i % SHARDS === 0 ? `${events[0]}` : events[i % SHARDS]!;
    // the first event already holds 60,000 seats' worth of the first run: its seats from the top end
    const seat = i % SHARDS === 0 ? SEATS - 1 - 2 * k : 2 * k;
    return (await engine.reserveSeats(eventId, `s${k}`, i % SHARDS === 0 ? [seat, seat - 1] : [seat, seat + 1])).ok;
  });
  const rows = [noop, reserve, spread];
  console.log(`\n## one shard's ceiling (local Redis Cluster, AOF fsync always; ${CONCURRENCY} concurrent callers in one process)\n`);
  console.log(table(rows, noop));
  return { rows, summary: { reservePerShard: reserve.opsPerSecond, reserveOver3Shards: spread.opsPerSecond, noopPerShard: noop.opsPerSecond } };
}

/**
 * `onsale-cluster-<n>`: on a local Redis Cluster (3 masters, 3 replicas, AOF on) with `apis`
 * API processes behind nginx, one shard's reserve ceiling, then the on-sale simulation
 * through nginx.
 */
export const onsaleClusterBench = (apis: number) => async () => {
  const stack = await clusterBenchStack(apis);
  let ceiling: Awaited<ReturnType<typeof shardCeiling>>;
  try {
    ceiling = await shardCeiling(stack.redis, stack.engine, stack.masterOf);
  } catch (err) {
    await stack.close();
    throw err;
  }
  const onsale = await onsaleBench(stack); // closes the stack
  return {
    rows: [...(ceiling.rows as Measurement[]), ...onsale.rows],
    summary: { apiProcesses: apis, shard: ceiling.summary, ...onsale.summary },
    timeline: onsale.timeline,
  };
};
