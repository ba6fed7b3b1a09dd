import { loadConfig } from '../config.js';
import { FAIL_FAST_REDIS, redisReady } from '../infra/availability.js';
import { silentLogger } from '../infra/logger.js';
import { createRedisClient } from '../infra/redisClient.js';
import { createPool } from '../persist/db.js';
import { createRuntime, redisTarget } from '../runtime.js';
import { keptTicketSecret, readRuntime } from '../runtimeFile.js';
import { CliError } from './output.js';

/**
 * The running system's parts on the same Redis and Postgres the server uses: DATABASE_URL
 * and REDIS_URL (or REDIS_CLUSTER_NODES), or the services a local `npm start` brought up (recorded in
 * .data/runtime.json). Nothing is started: a command is one short run.
 */
export async function openRuntime() {
  const config = loadConfig();
  const started = readRuntime();
  const databaseUrl = config.DATABASE_URL ?? started?.databaseUrl;
  const redisUrl = config.REDIS_URL ?? started?.redisUrl;
  if (!databaseUrl || !(redisUrl || config.REDIS_CLUSTER_NODES)) {
    throw new CliError('Set DATABASE_URL and REDIS_URL (or REDIS_CLUSTER_NODES), or run `npm start` in this directory first.');
  }
  const pool = createPool(databaseUrl, 5);
  const redis = createRedisClient(
    redisTarget({ ...config, REDIS_URL: redisUrl }),
    { ...FAIL_FAST_REDIS, retryStrategy: () => null, lazyConnect: true },
  );
  redis.on('error', () => {});
  try {
    await Promise.all([redis.connect().then(() => redisReady(redis)), pool.query('SELECT 1')]);
  } catch (err) {
    redis.disconnect();
    await pool.end();
    throw new CliError(`cannot reach Redis or Postgres: ${err instanceof Error ? err.message : String(err)}`);
  }
  // The ticket secret the server uses: TICKET_SECRET, or the one `npm start` keeps.
  const ticketSecret = config.TICKET_SECRET ?? keptTicketSecret({ create: false });
  const runtime = createRuntime({ ...config, TICKET_SECRET: ticketSecret }, { redis, pool, log: silentLogger, persister: false, background: false });
  return {
    ...runtime,
    async close() {
      redis.disconnect();
      await pool.end();
    },
  };
}

export type Runtime = Awaited<ReturnType<typeof openRuntime>>;
