/** `npm start`: everything the product needs on one machine, then the API. */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { serve } from '@hono/node-server';
import bcrypt from 'bcrypt';
import { Redis } from 'ioredis';
import { loadConfig } from './config.js';
import { createEngine } from './engine/engine.js';
import { createApp } from './http/app.js';
import { BCRYPT_COST } from './http/routes/auth.js';
import { SessionStore } from './http/sessions.js';
import { FAIL_FAST_REDIS, RedisHealth, redisReady } from './infra/availability.js';
import { createLogger } from './infra/logger.js';
import { createMetrics } from './infra/metrics.js';
import { removeRuntime, writeRuntime } from './runtimeFile.js';
import { startPrivatePostgres } from './infra/postgresServer.js';
import { startPrivateRedis } from './infra/redisServer.js';
import { createPool } from './persist/db.js';
import { migrate } from './persist/migrate.js';
import { Persister } from './persist/persister.js';
import { upsertAdmin } from './persist/repositories/users.js';
import { insertVenue } from './persist/repositories/venues.js';
import { Catalog } from './services/catalog.js';
import { AdmissionDriver } from './services/waitingRoom.js';
import { DurableWaiter } from './services/durableWaiter.js';

const config = loadConfig();
const log = createLogger(config.LOG_LEVEL);
const stops: (() => Promise<unknown> | unknown)[] = [];

let databaseUrl = config.DATABASE_URL;
if (!databaseUrl) {
  mkdirSync('.data', { recursive: true });
  const pg = await startPrivatePostgres({ dir: `${process.cwd()}/.data/postgres`, persistent: true, port: 54320 });
  stops.push(() => pg.stop());
  databaseUrl = pg.url;
  log.info({ event: 'embedded_postgres_started', url: pg.url }, 'started an embedded Postgres in .data/postgres');
}
let redisUrl = config.REDIS_URL;
if (!redisUrl) {
  const redisServer = await startPrivateRedis({ appendOnly: true });
  stops.push(() => redisServer.stop());
  redisUrl = redisServer.url;
  log.info({ event: 'private_redis_started', url: redisServer.url }, 'started a private redis-server (AOF on)');
}

const pool = createPool(databaseUrl, 20);
const redis = new Redis(redisUrl, FAIL_FAST_REDIS);
await redisReady(redis);
const applied = await migrate(pool);
if (applied.length > 0) log.info({ event: 'migrated', applied }, 'migrations applied');

const engine = createEngine({
  redis,
  prefix: config.REDIS_PREFIX,
  limits: { holdTtlMs: config.HOLD_TTL_SECONDS * 1000, maxSeatsPerCall: config.MAX_SEATS_PER_HOLD },
});
const redisHealth = new RedisHealth(redis, log);
const catalog = new Catalog(pool, engine, () => redisHealth.isUp);

if (config.ADMIN_EMAIL && config.ADMIN_PASSWORD) {
  const hash = await bcrypt.hash(config.ADMIN_PASSWORD, BCRYPT_COST);
  await upsertAdmin(pool, { id: randomUUID(), email: config.ADMIN_EMAIL, name: 'Admin', password_hash: hash });
}
if ((await pool.query('SELECT 1 FROM events LIMIT 1')).rowCount === 0) {
  const sections = [
    { name: 'Floor', rows: 10, seatsPerRow: 20 },
    { name: 'Balcony', rows: 8, seatsPerRow: 25 },
  ];
  const venue = await insertVenue(pool, { id: randomUUID(), name: 'Sample Arena', address: '1 Main St', city: 'Springfield', sections });
  await catalog.createEvent({
    name: 'Sample Night', artist: 'The Samples', venueId: venue.id, sections,
    eventDate: new Date(Date.now() + 30 * 86_400_000), onSaleDate: new Date(Date.now() - 60_000),
    highDemand: false, prices: { Floor: 12_500, Balcony: 6_500 },
  });
  log.info({ event: 'sample_data_created' }, 'created a sample venue and an on-sale event');
}
// Actors lost by Redis (a new instance) are rebuilt before their events are served.
for (const { id } of (await pool.query<{ id: string }>('SELECT id FROM events')).rows) await catalog.ensureActor(id);

const durable = new DurableWaiter(redis, pool, config.REDIS_PREFIX);
await durable.start();
const persister = config.PERSISTER === 'embedded' ? new Persister({ redis, pool, log, prefix: config.REDIS_PREFIX }) : undefined;
await persister?.start();
const metrics = createMetrics();
const sessions = new SessionStore(redis, config.REDIS_PREFIX);
await sessions.start();
redisHealth.start();
metrics.observe({ engine, pool, persister, redisUp: () => redisHealth.isUp, activeSessions: () => sessions.activeCount() });
const admission = new AdmissionDriver(engine, log, (_eventId, step) => {
  metrics.queueAdmitted.inc(step.admitted);
  for (const waitMs of step.waitsMs) metrics.queueWait.observe(waitMs / 1000);
});
admission.start();
const sweeper = setInterval(() => {
  engine.sweepAll().catch((err) => log.warn({ event: 'sweep_failed', err: String(err) }, 'hold sweep failed'));
}, 1_000);

const app = createApp({
  engine, pool, redis, log, metrics, catalog, durable, sessions, redisHealth,
  cookieSecure: config.COOKIE_SECURE, durableTimeoutMs: 2_000,
  rateLimits: config.RATE_LIMITS === 'on',
  trustedProxies: config.TRUSTED_PROXIES.split(',').map((a) => a.trim()).filter(Boolean),
});
if (!config.DATABASE_URL || !config.REDIS_URL) writeRuntime({ databaseUrl, redisUrl, pid: process.pid });
const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
  console.log(`ticketing API listening on http://${config.HOST}:${info.port}`);
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ event: 'shutdown', signal }, 'stopping: no new requests, draining');
  clearInterval(sweeper);
  admission.stop();
  redisHealth.stop();
  await new Promise((resolve) => server.close(resolve));
  await persister?.stop();
  durable.stop();
  sessions.stop();
  redis.disconnect();
  await pool.end();
  for (const stop of stops.reverse()) await stop();
  if (!config.DATABASE_URL || !config.REDIS_URL) removeRuntime();
  log.flush();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
