/** `npm run persister`: the write-behind persister as its own process (any number may run). */
import { loadConfig } from '../config.js';
import { createLogger } from '../infra/logger.js';
import { createRedisClient } from '../infra/redisClient.js';
import { redisTarget } from '../runtime.js';
import { createPool } from './db.js';
import { Persister } from './persister.js';

const config = loadConfig();
const log = createLogger(config.LOG_LEVEL);
if (!config.DATABASE_URL || !(config.REDIS_URL || config.REDIS_CLUSTER_NODES)) {
  log.fatal('DATABASE_URL and REDIS_URL (or REDIS_CLUSTER_NODES) are required for a standalone persister');
  process.exit(2);
}
const redis = createRedisClient(redisTarget(config));
const pool = createPool(config.DATABASE_URL);
const persister = new Persister({
  redis,
  pool,
  log,
  prefix: config.REDIS_PREFIX,
  claimIdleMs: config.PERSISTER_CLAIM_IDLE_MS,
});
await persister.start();
log.info({ event: 'persister_started', pid: process.pid }, 'persister running');

async function shutdown() {
  await persister.stop();
  redis.disconnect();
  await pool.end();
  log.flush();
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
