import { FAIL_FAST_REDIS, RedisHealth, redisReady } from '../../src/infra/availability.js';
import { silentLogger } from '../../src/infra/logger.js';
import { startPrivatePostgres, type PrivatePostgres } from '../../src/infra/postgresServer.js';
import { StoreRedis } from '../../src/infra/storeRedis.js';
import { startPrivateRedis, type PrivateRedis } from '../../src/infra/redisServer.js';
import { createPool } from '../../src/persist/db.js';
import { migrate } from '../../src/persist/migrate.js';
import { startApi, type ApiFixture } from '../support/api.js';
import { engineFixture } from '../support/engine.js';

export interface PrivateStores {
  redisServer: PrivateRedis;
  postgres: PrivatePostgres;
  api: ApiFixture;
  health: RedisHealth;
  close(): Promise<void>;
}

/**
 * The API on its own redis-server and its own embedded Postgres (never the shared ones),
 * with a real Redis circuit breaker, so either store can be stopped, paused or killed.
 */
export async function apiOnPrivateStores(): Promise<PrivateStores> {
  const redisServer = await startPrivateRedis({ appendOnly: true });
  const postgres = await startPrivatePostgres();
  const pool = createPool(postgres.url, 10);
  await migrate(pool);
  const redis = new StoreRedis(redisServer.url, FAIL_FAST_REDIS);
  await redisReady(redis);
  // The breaker as in production (a ping every 500 ms, 1.5 s to answer, two misses open it).
  const health = new RedisHealth(redis, silentLogger);
  health.start();
  const api = await startApi({
    fx: engineFixture({}, redis),
    db: { url: postgres.url, pool, drop: () => pool.end() },
    redisHealth: health,
    durableTimeoutMs: 1_000,
  });
  return {
    redisServer,
    postgres,
    api,
    health,
    async close() {
      health.stop();
      redisServer.resume();
      postgres.resume();
      await api.close();
      await redisServer.stop();
      await postgres.destroy();
    },
  };
}

/** Calls `request` every `everyMs` until `untilMs` passes; resolves with every answer's status and code, and its duration. */
export async function traffic(
  request: () => Promise<Response>,
  durationMs: number,
  everyMs = 20,
): Promise<{ status: number; code: string | undefined; ms: number }[]> {
  const results: Promise<{ status: number; code: string | undefined; ms: number }>[] = [];
  const until = Date.now() + durationMs;
  while (Date.now() < until) {
    const started = Date.now();
    results.push(
      request().then(async (res) => {
        const text = await res.text();
        const code = res.status >= 400 ? (JSON.parse(text) as { code?: string }).code : undefined;
        return { status: res.status, code, ms: Date.now() - started };
      }),
    );
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return Promise.all(results);
}

export const countBy = <T>(items: T[], key: (item: T) => string) =>
  items.reduce<Record<string, number>>((acc, item) => ({ ...acc, [key(item)]: (acc[key(item)] ?? 0) + 1 }), {});
