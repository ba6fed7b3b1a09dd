/** The steps `npm start` takes before it serves: services, schema, first data, live actors. */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { Config } from './config.js';
import { hashPassword } from './services/passwords.js';
import type { Logger } from './infra/logger.js';
import { migrate } from './persist/migrate.js';
import { upsertAdmin } from './persist/repositories/users.js';
import { insertVenue } from './persist/repositories/venues.js';
import type { Runtime } from './runtime.js';
import { keptTicketSecret, removeRuntime, writeRuntime } from './runtimeFile.js';

/**
 * Postgres and Redis: the ones DATABASE_URL and REDIS_URL name, or an embedded Postgres in
 * .data/postgres and a private redis-server (AOF on), recorded for `ticketctl` to find; and
 * TICKET_SECRET, or the one kept in .data/ticket-secret (generated the first time).
 */
export async function localServices(config: Config, log: Logger) {
  const stops: (() => Promise<unknown>)[] = [];
  let databaseUrl = config.DATABASE_URL;
  if (!databaseUrl) {
    mkdirSync('.data', { recursive: true });
    // Loaded only here: a deployment with DATABASE_URL needs neither the module nor the package.
    const { startPrivatePostgres } = await import('./infra/postgresServer.js');
    const pg = await startPrivatePostgres({ dir: `${process.cwd()}/.data/postgres`, persistent: true, port: 54320 });
    stops.push(() => pg.stop());
    databaseUrl = pg.url;
    log.info({ event: 'embedded_postgres_started', url: pg.url }, 'started an embedded Postgres in .data/postgres');
  }
  let redisUrl = config.REDIS_URL;
  if (!redisUrl && !config.REDIS_CLUSTER_NODES) {
    const { startPrivateRedis } = await import('./infra/redisServer.js');
    const redisServer = await startPrivateRedis({ appendOnly: true });
    stops.push(() => redisServer.stop());
    redisUrl = redisServer.url;
    log.info({ event: 'private_redis_started', url: redisServer.url }, 'started a private redis-server (AOF on)');
  }
  const started = stops.length > 0;
  return {
    /** the configuration with the services' addresses filled in */
    config: { ...config, DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, TICKET_SECRET: config.TICKET_SECRET ?? keptTicketSecret({ create: true }) },
    /** tells `ticketctl` where the services this process started are */
    record(): void {
      if (started && redisUrl) writeRuntime({ databaseUrl, redisUrl, pid: process.pid });
    },
    async stop(): Promise<void> {
      for (const stop of stops.reverse()) await stop();
      if (started) removeRuntime();
    },
  };
}

export async function migrateDatabase(rt: Runtime): Promise<void> {
  const applied = await migrate(rt.pool);
  if (applied.length > 0) rt.log.info({ event: 'migrated', applied }, 'migrations applied');
}

/** The admin account ADMIN_EMAIL and ADMIN_PASSWORD name, made or updated. */
export async function seedAdmin(rt: Runtime): Promise<void> {
  const { ADMIN_EMAIL: email, ADMIN_PASSWORD: password } = rt.config;
  if (!email || !password) return;
  const hash = await hashPassword(password);
  await upsertAdmin(rt.pool, { id: randomUUID(), email, name: 'Admin', password_hash: hash });
}

/** A sample venue and an on-sale event, in a database without events. */
export async function seedSampleEvent(rt: Runtime): Promise<void> {
  if ((await rt.pool.query('SELECT 1 FROM events LIMIT 1')).rowCount !== 0) return;
  const sections = [
    { name: 'Floor', rows: 10, seatsPerRow: 20 },
    { name: 'Balcony', rows: 8, seatsPerRow: 25 },
  ];
  const venue = await insertVenue(rt.pool, { id: randomUUID(), name: 'Sample Arena', address: '1 Main St', city: 'Springfield', sections });
  await rt.catalog.createEvent({
    name: 'Sample Night', artist: 'The Samples', venueId: venue.id, sections,
    eventDate: new Date(Date.now() + 30 * 86_400_000), onSaleDate: new Date(Date.now() - 60_000),
    highDemand: false, prices: { Floor: 12_500, Balcony: 6_500 },
  });
  rt.log.info({ event: 'sample_data_created' }, 'created a sample venue and an on-sale event');
}

/** Actors lost by Redis (a new instance) are rebuilt before their events are served. */
export async function restoreActors(rt: Runtime): Promise<void> {
  for (const { id } of (await rt.pool.query<{ id: string }>('SELECT id FROM events')).rows) await rt.catalog.ensureActor(id);
}
