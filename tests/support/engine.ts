import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { FakeClock } from '../../src/engine/clock.js';
import type { EngineLimits } from '../../src/engine/context.js';
import { createEngine, type Engine } from '../../src/engine/engine.js';
import { createRedisClient, masterNodes, type RedisClient } from '../../src/infra/redisClient.js';

export interface EngineFixture {
  engine: Engine;
  redis: RedisClient;
  clock: FakeClock;
  prefix: string;
  close(): Promise<void>;
}

/** Deletes only the keys under this prefix: the server may be shared. */
export async function deletePrefix(redis: RedisClient, prefix: string): Promise<void> {
  for (const node of masterNodes(redis)) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      // one DEL per key: these keys span slots
      for (const key of keys) await redis.del(key);
      cursor = next;
    } while (cursor !== '0');
  }
}

/** A client on the run's Redis: a one-node cluster-mode server, or a real cluster (the redis-cluster project). */
export function newRedis(): RedisClient {
  const clusterNodes = inject('redisClusterNodes');
  return createRedisClient(clusterNodes ? { clusterNodes } : { url: inject('redisUrl') }, { maxRetriesPerRequest: 1 });
}

export function testPrefix(): string {
  return `t${randomUUID().slice(0, 8)}:`;
}

/** An engine on its own key prefix and a fake clock; on the run's Redis, or on `redis` (e.g. a private, fail-fast one). */
export function engineFixture(limits: Partial<EngineLimits> = {}, redis: RedisClient = newRedis()): EngineFixture {
  const clock = new FakeClock();
  const prefix = testPrefix();
  const engine = createEngine({ redis, prefix, clock, limits });
  return {
    engine,
    redis,
    clock,
    prefix,
    async close() {
      await deletePrefix(redis, prefix).catch(() => {});
      redis.disconnect();
    },
  };
}

/** A loaded event of `seats` seats at 1000 + index cents, on sale since the fake epoch. */
export async function loadedEvent(
  fx: EngineFixture,
  seats: number,
  options: { highDemand?: boolean; onSaleMs?: number } = {},
): Promise<string> {
  const eventId = randomUUID();
  const result = await fx.engine.loadEvent({
    eventId,
    seatPricesCents: Array.from({ length: seats }, (_, i) => 1000 + i),
    onSaleMs: options.onSaleMs ?? fx.clock.now() - 1000,
    highDemand: options.highDemand ?? false,
  });
  if (!result.ok) throw new Error(`load failed: ${result.code}`);
  return eventId;
}
