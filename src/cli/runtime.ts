import { loadConfig } from '../config.js';
import { FAIL_FAST_REDIS, redisReady } from '../infra/availability.js';
import { silentLogger } from '../infra/logger.js';
import { createRedisClient } from '../infra/redisClient.js';
import { createPool } from '../persist/db.js';
import { createRuntime, redisTarget } from '../runtime.js';
import { keptTicketSecret, readRuntime, runtimeFile } from '../runtimeFile.js';
import { CliError } from './output.js';

/**
 * The running system's parts on the same Redis and Postgres the server uses: DATABASE_URL
 * and REDIS_URL (or REDIS_CLUSTER_NODES), or the services a local `npm start` brought up (recorded in
 * <DATA_DIR>/runtime.json, and used only while that process runs). Nothing is started: a command is one short run.
 */
export async function openRuntime() {
  const config = loadConfig();
  const recorded = readRuntime(config.DATA_DIR);
  // A record left by a process that died names services that are gone (or a port reused since).
  const started = recorded && !recorded.stale ? recorded.record : undefined;
  const databaseUrl = config.DATABASE_URL ?? started?.databaseUrl;
  const redisUrl = config.REDIS_URL ?? started?.redisUrl;
  if (!databaseUrl || !(redisUrl || config.REDIS_CLUSTER_NODES)) {
    const stale = recorded?.stale
      ? ` (${runtimeFile(config.DATA_DIR)} is left over from npm start pid ${recorded.record.pid}, which is no longer running: its services are not used)`
      : '';
    throw new CliError(
      `Set DATABASE_URL and REDIS_URL (or REDIS_CLUSTER_NODES), or run \`npm start\` in this directory first${stale}.`,
    );
  }
  const pool = createPool(databaseUrl, 5);
  const redis = createRedisClient(redisTarget({ ...config, REDIS_URL: redisUrl }), {
    ...FAIL_FAST_REDIS,
    retryStrategy: () => null,
    lazyConnect: true,
  });
  redis.on('error', () => {});
  try {
    await Promise.all([redis.connect().then(() => redisReady(redis)), pool.query('SELECT 1')]);
  } catch (err) {
    redis.disconnect();
    await pool.end();
    throw new CliError(`cannot reach Redis or Postgres: ${err instanceof Error ? err.message : String(err)}`);
  }
  // The ticket secret the server uses: TICKET_SECRET, or the one `npm start` keeps.
  const ticketSecret = config.TICKET_SECRET ?? keptTicketSecret(config.DATA_DIR, { create: false });
  const runtime = createRuntime(
    { ...config, TICKET_SECRET: ticketSecret },
    { redis, pool, log: silentLogger, persister: false, background: false },
  );
  return {
    ...runtime,
    async close() {
      redis.disconnect();
      await pool.end();
    },
  };
}

export type Runtime = Awaited<ReturnType<typeof openRuntime>>;
