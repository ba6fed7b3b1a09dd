import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import type { Engine } from '../src/engine/engine.js';
import type { RedisClient } from '../src/infra/redisClient.js';
import { measure, table, type Measurement } from './measure.js';
import { onsaleBench } from './onsale.bench.js';
import { clusterBenchStack } from './support.js';

const CONCURRENCY = 64;
const SEATS = 60_000;
const SHARDS = 3;
/** reserves per measurement: every one succeeds (2 seats each, 3 per buyer) */
const RESERVES = 12_000;

async function loadEvent(engine: Engine, eventId: string) {
  const loaded = await engine.loadEvent({
    eventId,
    seatPricesCents: Array(SEATS).fill(5000),
    onSaleMs: 0,
    highDemand: false,
  });
  if (!loaded.ok) throw new Error(`could not load ${eventId}: ${loaded.code}`);
}

/** Reserves of 2 seats spread evenly over `events` (fresh ones: every call succeeds). */
const reserves = (engine: Engine, events: string[]) => async (i: number) => {
  const eventId = events[i % events.length]!;
  const k = Math.floor(i / events.length);
  return (await engine.reserveSeats(eventId, `b${Math.floor(k / 3)}`, [2 * k, 2 * k + 1])).ok;
};

interface ClusterBenchStack {
  redis: RedisClient;
  engine: Engine;
  masterOf(key: string): Promise<{ port: number }>;
  appendFsync(policy: 'always' | 'everysec'): Promise<void>;
}

/**
 * The ceiling of one shard on this machine, through the cluster client as the API uses it:
 * reserves of 2 seats on one event (an event is one slot, so one master), next to an EVAL of
 * `return 1` on the same slot; the same reserves spread over one event on each of the 3
 * masters, to see what more shards add here; and one event again with the AOF written to
 * disk once a second instead of on every write, to see what the fsync costs.
 */
async function shardCeiling(stack: ClusterBenchStack) {
  const { redis, engine } = stack;
  /** fresh events, each on its own master */
  const eventsOnMasters = async (count: number) => {
    const events: string[] = [];
    const masters = new Set<number>();
    while (events.length < count) {
      const eventId = `shard-${randomUUID()}`;
      const { port } = await stack.masterOf(engine.keys(eventId)!.state);
      if (masters.has(port)) continue;
      masters.add(port);
      events.push(eventId);
      await loadEvent(engine, eventId);
    }
    return events;
  };
  const [one] = await eventsOnMasters(1);
  const spread = await eventsOnMasters(SHARDS);
  const [relaxed] = await eventsOnMasters(1);
  const key = engine.keys(one!)!.state;
  const noopOp = async () => {
    await redis.eval('return 1', 1, key);
  };
  await measure('warm-up', 2_000, CONCURRENCY, noopOp);
  const noop = await measure("EVAL `return 1` on the event's slot (baseline)", RESERVES, CONCURRENCY, noopOp);
  const single = await measure('reserve, 2 seats, 1 event (1 shard)', RESERVES, CONCURRENCY, reserves(engine, [one!]));
  const three = await measure(
    `reserve, 2 seats, ${SHARDS} events on ${SHARDS} shards`,
    RESERVES,
    CONCURRENCY,
    reserves(engine, spread),
  );
  await stack.appendFsync('everysec');
  let everysec: Measurement;
  try {
    everysec = await measure(
      'reserve, 2 seats, 1 event (1 shard), appendfsync everysec',
      RESERVES,
      CONCURRENCY,
      reserves(engine, [relaxed!]),
    );
  } finally {
    await stack.appendFsync('always');
  }
  const rows = [noop, single, three, everysec];
  console.log(
    `\n## one shard's ceiling (local Redis Cluster, AOF with appendfsync always unless said; ${CONCURRENCY} concurrent callers in one process)\n`,
  );
  console.log(table(rows, noop));
  return {
    rows,
    summary: {
      reservePerShard: single.opsPerSecond,
      reserveOver3Shards: three.opsPerSecond,
      reservePerShardEverysec: everysec.opsPerSecond,
      noopPerShard: noop.opsPerSecond,
    },
  };
}

/**
 * `onsale-cluster-<n>[-everysec]`: on a local Redis Cluster (3 masters, 3 replicas, AOF on)
 * with `apis` API processes behind nginx, one shard's reserve ceiling, then the on-sale
 * simulation through nginx; `-everysec` runs the simulation with the AOF flushed once a
 * second instead of on every write (the scripts' default for the local cluster is always).
 */
export const onsaleClusterBench =
  (apis: number, fsync: 'always' | 'everysec' = 'always') =>
  async () => {
    const stack = await clusterBenchStack(apis);
    const loadBefore = loadavg();
    let ceiling: Awaited<ReturnType<typeof shardCeiling>>;
    try {
      ceiling = await shardCeiling(stack);
      await stack.appendFsync(fsync);
    } catch (err) {
      await stack.close();
      throw err;
    }
    const onsale = await onsaleBench(stack); // closes the stack
    const loadAfter = loadavg();
    console.log(
      `\nload average (1 min) on this machine: ${loadBefore[0]!.toFixed(1)} before, ${loadAfter[0]!.toFixed(1)} after`,
    );
    return {
      rows: [...(ceiling.rows as Measurement[]), ...onsale.rows],
      summary: {
        apiProcesses: apis,
        appendfsync: fsync,
        loadAverageBefore: loadBefore[0],
        loadAverageAfter: loadAfter[0],
        shard: ceiling.summary,
        ...onsale.summary,
      },
      timeline: onsale.timeline,
    };
  };
