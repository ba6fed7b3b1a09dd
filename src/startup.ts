/** The steps `npm start` takes before it serves: services, schema, first data, live actors. */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import type { Config } from './config.js';
import { hashPassword } from './services/passwords.js';
import type { Logger } from './infra/logger.js';
import { freePort } from './infra/redisServer.js';
import { migrate } from './persist/migrate.js';
import { upsertAdmin } from './persist/repositories/users.js';
import { insertVenue } from './persist/repositories/venues.js';
import type { Runtime } from './runtime.js';
import { claimRuntime, keptTicketSecret, removeRuntime, writeRuntime, type RuntimeRecord } from './runtimeFile.js';

/**
 * What `npm start` says while it starts: written whatever LOG_LEVEL says (which services it
 * started, where it listens: what an operator or a supervisor waits for) and flushed at
 * once, not when the log buffer fills.
 */
export type StartupLog = (fields: { event: string } & Record<string, unknown>, msg: string) => void;

export function startupLog(log: Logger): StartupLog {
  const always = log.child({}, { level: 'info' });
  return (fields, msg) => {
    always.info(fields, msg);
    always.flush();
  };
}

/** Another `npm start` holds the data directory: who it is and where it listens. */
export class AlreadyRunning extends Error {
  constructor(
    readonly running: RuntimeRecord,
    dataDir: string,
  ) {
    super(
      `npm start is already running in ${dataDir}: pid ${running.pid}, ${running.url ?? `port ${running.port}`}. ` +
        `Stop it first (kill ${running.pid}), or give this one its own DATA_DIR and PORT.`,
    );
    this.name = 'AlreadyRunning';
  }
}

/**
 * Postgres and Redis: the ones DATABASE_URL and REDIS_URL name, or an embedded Postgres in
 * <DATA_DIR>/postgres and a private redis-server (AOF on, fsync always) in <DATA_DIR>/redis,
 * both kept across restarts and recorded for `ticketctl` in <DATA_DIR>/runtime.json; and
 * TICKET_SECRET, or the one kept in <DATA_DIR>/ticket-secret (generated the first time).
 * Throws AlreadyRunning while another live `npm start` uses the same data directory.
 */
export async function localServices(config: Config, say: StartupLog) {
  const dataDir = resolve(config.DATA_DIR);
  const needsPostgres = !config.DATABASE_URL;
  const needsRedis = !config.REDIS_URL && !config.REDIS_CLUSTER_NODES;
  const started = needsPostgres || needsRedis;
  if (started) {
    const claim = claimRuntime(dataDir, config.PORT);
    if (!claim.ok) throw new AlreadyRunning(claim.running, dataDir);
  }
  const stops: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const stopOne of stops.reverse()) await stopOne();
    if (started) removeRuntime(dataDir);
  };
  let databaseUrl = config.DATABASE_URL;
  let redisUrl = config.REDIS_URL;
  try {
    if (needsPostgres) {
      // Loaded only here: a deployment with DATABASE_URL needs neither the module nor the package.
      const { startPrivatePostgres } = await import('./infra/postgresServer.js');
      const port = await portOr(EMBEDDED_POSTGRES_PORT);
      const pg = await startPrivatePostgres({ dir: join(dataDir, 'postgres'), persistent: true, port });
      stops.push(() => pg.stop());
      databaseUrl = pg.url;
      say(
        { event: 'embedded_postgres_started', url: pg.url },
        `started an embedded Postgres in ${join(dataDir, 'postgres')}`,
      );
    }
    if (needsRedis) {
      const { startPrivateRedis } = await import('./infra/redisServer.js');
      const dir = join(dataDir, 'redis');
      const redisServer = await startPrivateRedis({ appendOnly: true, dir });
      stops.push(() => redisServer.stop());
      redisUrl = redisServer.url;
      say(
        { event: 'private_redis_started', url: redisServer.url, dir },
        `started a private redis-server in ${dir} (AOF on, fsync always)`,
      );
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    /** the configuration with the services' addresses filled in */
    config: {
      ...config,
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      TICKET_SECRET: config.TICKET_SECRET ?? keptTicketSecret(dataDir, { create: true }),
    },
    /** tells `ticketctl` (and a second `npm start`) where this process and its services are */
    record(url: string): void {
      if (started)
        writeRuntime(dataDir, { pid: process.pid, port: Number(new URL(url).port), url, databaseUrl, redisUrl });
    },
    stop,
  };
}

/** The embedded Postgres' port when free (a stable DATABASE_URL for tools), else any free one. */
const EMBEDDED_POSTGRES_PORT = 54320;

async function portOr(preferred: number): Promise<number> {
  const free = await new Promise<boolean>((done) => {
    const probe = createServer();
    probe.once('error', () => done(false));
    probe.listen(preferred, '127.0.0.1', () => probe.close(() => done(true)));
  });
  return free ? preferred : freePort();
}

export async function migrateDatabase(rt: Runtime, say: StartupLog): Promise<void> {
  const applied = await migrate(rt.pool);
  if (applied.length > 0) say({ event: 'migrated', applied }, 'migrations applied');
}

/** The admin account ADMIN_EMAIL and ADMIN_PASSWORD name, made or updated. */
export async function seedAdmin(rt: Runtime): Promise<void> {
  const { ADMIN_EMAIL: email, ADMIN_PASSWORD: password } = rt.config;
  if (!email || !password) return;
  const hash = await hashPassword(password);
  await upsertAdmin(rt.pool, { id: randomUUID(), email, name: 'Admin', password_hash: hash });
}

/** A sample venue and an on-sale event, in a database without events. */
export async function seedSampleEvent(rt: Runtime, say: StartupLog): Promise<void> {
  if ((await rt.pool.query('SELECT 1 FROM events LIMIT 1')).rowCount !== 0) return;
  const sections = [
    { name: 'Floor', rows: 10, seatsPerRow: 20 },
    { name: 'Balcony', rows: 8, seatsPerRow: 25 },
  ];
  const venue = await insertVenue(rt.pool, {
    id: randomUUID(),
    name: 'Sample Arena',
    address: '1 Main St',
    city: 'Springfield',
    sections,
  });
  await rt.catalog.createEvent({
    name: 'Sample Night',
    artist: 'The Samples',
    venueId: venue.id,
    sections,
    eventDate: new Date(Date.now() + 30 * 86_400_000),
    onSaleDate: new Date(Date.now() - 60_000),
    highDemand: false,
    prices: { Floor: 12_500, Balcony: 6_500 },
  });
  say({ event: 'sample_data_created' }, 'created a sample venue and an on-sale event');
}

/**
 * Before any event is served: actors Redis lost (a new instance) are restored, and every
 * actor is compared with Postgres seat by seat; one that lost writes (a lost AOF tail) is
 * rebuilt from it. One whose sales are still on their way to Postgres is left to the
 * background repair, which retries once the persister has drained them.
 */
export async function checkActors(rt: Runtime, say: StartupLog): Promise<void> {
  for (const { id } of (await rt.pool.query<{ id: string }>('SELECT id FROM events')).rows)
    await rt.catalog.ensureActor(id);
  const counts = await rt.actorRepair.repairAll();
  if (counts.busy > 0) rt.actorRepair.recheck();
  say(
    { event: 'actors_checked', ...counts },
    `actors checked against Postgres: ${counts.rebuilt} rebuilt, ${counts.busy} left until their sales are persisted`,
  );
}
