import { Redis } from 'ioredis';
import { loadConfig } from '../config.js';
import { createEngine } from '../engine/engine.js';
import { FAIL_FAST_REDIS, redisReady } from '../infra/availability.js';
import { silentLogger } from '../infra/logger.js';
import { createPool } from '../persist/db.js';
import { readRuntime } from '../runtimeFile.js';
import { Catalog } from '../services/catalog.js';
import { CliError } from './output.js';

/**
 * Connections to the same Redis and Postgres the server uses: DATABASE_URL and REDIS_URL,
 * or the services a local `npm start` brought up (recorded in .data/runtime.json).
 */
export async function openRuntime() {
  const config = loadConfig();
  const started = readRuntime();
  const databaseUrl = config.DATABASE_URL ?? started?.databaseUrl;
  const redisUrl = config.REDIS_URL ?? started?.redisUrl;
  if (!databaseUrl || !redisUrl) {
    throw new CliError('Set DATABASE_URL and REDIS_URL, or run `npm start` in this directory first.');
  }
  const pool = createPool(databaseUrl, 5);
  const redis = new Redis(redisUrl, { ...FAIL_FAST_REDIS, retryStrategy: () => null, lazyConnect: true });
  redis.on('error', () => {});
  try {
    await Promise.all([redis.connect().then(() => redisReady(redis)), pool.query('SELECT 1')]);
  } catch (err) {
    redis.disconnect();
    await pool.end();
    throw new CliError(`cannot reach Redis or Postgres: ${err instanceof Error ? err.message : String(err)}`);
  }
  const engine = createEngine({
    redis, prefix: config.REDIS_PREFIX,
    limits: { holdTtlMs: config.HOLD_TTL_SECONDS * 1000, maxSeatsPerCall: config.MAX_SEATS_PER_HOLD },
  });
  return {
    config, pool, redis, engine, log: silentLogger,
    catalog: new Catalog(pool, engine),
    async close() {
      redis.disconnect();
      await pool.end();
    },
  };
}

export type Runtime = Awaited<ReturnType<typeof openRuntime>>;
