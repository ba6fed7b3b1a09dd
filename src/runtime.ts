import { randomBytes } from 'node:crypto';
import type { Config } from './config.js';
import { systemClock, type Clock } from './engine/clock.js';
import type { EngineLimits } from './engine/context.js';
import { createEngine } from './engine/engine.js';
import type { AppDeps } from './http/appDeps.js';
import { SessionStore } from './services/sessions.js';
import { RedisHealth } from './infra/availability.js';
import { createLogger, type Logger } from './infra/logger.js';
import { createMetrics } from './infra/metrics.js';
import { createFailFastClient, type RedisClient, type RedisTarget } from './infra/redisClient.js';
import { createNotifications } from './notify/notifications.js';
import { createPool, type Pool } from './persist/db.js';
import { Persister } from './persist/persister.js';
import { AdmissionDriver } from './services/admissionDriver.js';
import { Catalog } from './services/catalog.js';
import { CheckoutService } from './services/checkout.js';
import { CatalogCache } from './services/catalogCache.js';
import { DurableWaiter } from './services/durableWaiter.js';
import { FailoverRepair } from './services/failoverRepair.js';
import { IdempotencyStore } from './services/idempotency.js';
import { TicketService } from './services/tickets.js';
import { DEFAULT_LIVE_SETTINGS, LiveHub, type LiveSettings } from './services/liveHub.js';

/** How often the hold sweeper frees lapsed holds of every live event. */
const SWEEP_INTERVAL_MS = 1_000;

export interface RuntimeOptions {
  /**
   * the Redis to serve from; by default a fail-fast client on the Redis Cluster that
   * REDIS_CLUSTER_NODES names, else on REDIS_URL. A client passed in stays the caller's to close.
   */
  redis?: RedisClient;
  /** the database; by default a pool on DATABASE_URL. A pool passed in stays the caller's to close. */
  pool?: Pool;
  poolSize?: number;
  clock?: Clock;
  log?: Logger;
  /** engine limits over the ones the configuration gives (tests) */
  limits?: Partial<EngineLimits>;
  /** run the write-behind persister in this process; by default as PERSISTER says */
  persister?: boolean;
  /** how long an idle persister waits before looking again (tests poll fast) */
  persisterPollMs?: number;
  /** the admission driver, the hold sweeper and the Redis health pings; on by default */
  background?: boolean;
  /** a circuit breaker owned by the caller (fault tests; tests that count Redis as always up) */
  redisHealth?: AppDeps['redisHealth'];
  /** how long a checkout waits for its sale to reach Postgres before answering 503 */
  durableTimeoutMs?: number;
  /** the outbox relay, its consumers and the webhook sender; by default with the background loops (as NOTIFICATIONS says) */
  notifications?: boolean;
  /** how long idle notification loops wait before looking again (tests poll fast) */
  notificationPollMs?: number;
  /** live updates' settings over the ones the configuration gives (tests) */
  live?: Partial<LiveSettings>;
}

/**
 * The running system, built in one place for `npm start`, the CLI, tests and benchmarks:
 * the clients, the engine and the services on them, and the dependencies of `createApp`.
 * Building it does no I/O; `start()` starts the listeners and background loops, `stop()`
 * stops them and closes the clients this runtime opened.
 */
export function createRuntime(config: Config, options: RuntimeOptions = {}) {
  const log = options.log ?? createLogger(config.LOG_LEVEL);
  const ownRedis = !options.redis;
  const ownPool = !options.pool;
  const redis = options.redis ?? createFailFastClient(redisTarget(config), log);
  const pool = options.pool ?? createPool(required(config.DATABASE_URL, 'DATABASE_URL'), options.poolSize ?? 20);
  const prefix = config.REDIS_PREFIX;

  const engine = createEngine({
    redis,
    prefix,
    clock: options.clock,
    limits: {
      holdTtlMs: config.HOLD_TTL_SECONDS * 1000,
      holdExtensionMs: config.HOLD_EXTENSION_SECONDS * 1000,
      // per buyer per event, as documented; a single call can ask for no more than that
      maxSeatsPerUser: config.MAX_SEATS_PER_HOLD,
      maxSeatsPerCall: config.MAX_SEATS_PER_HOLD,
      ...options.limits,
    },
  });
  const ownHealth = options.redisHealth ? undefined : new RedisHealth(redis, log);
  const redisHealth: AppDeps['redisHealth'] = options.redisHealth ?? ownHealth!;
  const catalog = new Catalog(pool, engine, new CatalogCache(redis, prefix), () => redisHealth.isUp);
  const sessions = new SessionStore(redis, prefix);
  const runsPersister = options.persister ?? config.PERSISTER === 'embedded';
  const persister = runsPersister
    ? new Persister({
        redis,
        pool,
        log,
        prefix,
        announce: config.NOTIFICATIONS !== 'off',
        ...(options.persisterPollMs ? { pollMs: options.persisterPollMs } : {}),
      })
    : undefined;
  const durable = new DurableWaiter(redis, pool, prefix, () => persister?.nextAttemptInMs());
  const metrics = createMetrics();
  metrics.observe({
    engine,
    pool,
    persister,
    redisUp: () => redisHealth.isUp,
    activeSessions: () => sessions.activeCount(),
  });
  // Without TICKET_SECRET (tests, benchmarks) codes are signed with a secret of this process only.
  const tickets = new TicketService({
    pool,
    clock: engine.clock,
    log,
    metrics,
    secret: config.TICKET_SECRET ?? randomBytes(32).toString('base64url'),
  });
  const admission = new AdmissionDriver(engine, log, (_eventId, step) => {
    metrics.queueAdmitted.inc(step.admitted);
    for (const waitMs of step.waitsMs) metrics.queueWait.observe(waitMs / 1000);
  });
  const live = new LiveHub(
    { engine, log, metrics, restore: (eventId) => catalog.ensureActor(eventId) },
    {
      ...DEFAULT_LIVE_SETTINGS,
      tickMs: config.LIVE_TICK_MS,
      maxConnections: config.LIVE_MAX_CONNECTIONS,
      maxBufferedBytes: config.LIVE_CLIENT_BUFFER_BYTES,
      ...options.live,
    },
  );
  // at start and after a Redis restart or failover, actors that lost writes are rebuilt from Postgres
  const failoverRepair = new FailoverRepair({
    engine,
    pool,
    log,
    onFailover: () => persister?.recheckPending(),
    onRepaired: (eventId) => {
      metrics.actorRepairs.inc();
      void catalog.invalidate(eventId).catch(() => {});
    },
  });
  const background = options.background ?? true;
  const notifications =
    (options.notifications ?? background) && (config.NOTIFICATIONS === 'on' || config.NOTIFICATIONS === 'relay')
      ? createNotifications(config, {
          pool,
          log,
          clock: options.clock ?? systemClock,
          consumers: config.NOTIFICATIONS === 'on',
          onRelayed: (n) => metrics.outboxRelayed.inc(n),
          onDelivery: (result) => metrics.webhookDeliveries.inc({ result }),
          ...(options.notificationPollMs ? { pollMs: options.notificationPollMs } : {}),
        })
      : undefined;
  let sweeper: NodeJS.Timeout | undefined;

  const durableTimeoutMs = options.durableTimeoutMs ?? 2_000;
  const checkout = new CheckoutService({
    engine,
    pool,
    catalog,
    durable,
    metrics,
    records: new IdempotencyStore(redis, prefix),
    durableTimeoutMs,
  });

  const deps: AppDeps = {
    engine,
    pool,
    log,
    metrics,
    catalog,
    durable,
    checkout,
    sessions,
    redisHealth,
    tickets,
    live,
    cookieSecure: config.COOKIE_SECURE,
    durableTimeoutMs,
    requestDeadlineMs: config.REQUEST_DEADLINE_MS,
    rateLimits: config.RATE_LIMITS === 'on',
    trustedProxies: config.TRUSTED_PROXIES.split(',')
      .map((a) => a.trim())
      .filter(Boolean),
    webhooksAllowPrivate: config.WEBHOOKS_ALLOW_PRIVATE,
  };

  return {
    config,
    log,
    redis,
    pool,
    engine,
    catalog,
    durable,
    checkout,
    sessions,
    persister,
    metrics,
    redisHealth,
    admission,
    notifications,
    tickets,
    live,
    /** compares actors with Postgres and rebuilds those that lost writes (at start; by itself after a Redis restart) */
    actorRepair: failoverRepair,
    /** what `createApp` is built from */
    deps,

    /** Starts the listeners (durable waits, session cache), the persister and the background loops. */
    async start(): Promise<void> {
      await durable.start();
      await persister?.start();
      await sessions.start();
      await notifications?.start();
      await live.start();
      if (!background) return;
      ownHealth?.start();
      admission.start();
      await failoverRepair.start();
      sweeper = setInterval(() => {
        engine.sweepAll().catch((err) => log.warn({ event: 'sweep_failed', err: String(err) }, 'hold sweep failed'));
      }, SWEEP_INTERVAL_MS);
    },

    /** Stops everything `start()` started, then closes the clients this runtime opened. */
    async stop(): Promise<void> {
      await live.stop();
      clearInterval(sweeper);
      await admission.stop();
      failoverRepair.stop();
      ownHealth?.stop();
      await persister?.stop();
      await notifications?.stop();
      durable.stop();
      sessions.stop();
      if (ownRedis) redis.disconnect();
      if (ownPool) await pool.end();
    },
  };
}

export type Runtime = ReturnType<typeof createRuntime>;

/** Where Redis is: the cluster REDIS_CLUSTER_NODES names (REDIS_URL is then ignored), or REDIS_URL. */
export function redisTarget(config: Config): RedisTarget {
  if (config.REDIS_CLUSTER_NODES) return { clusterNodes: config.REDIS_CLUSTER_NODES, password: config.REDIS_PASSWORD };
  return { url: required(config.REDIS_URL, 'REDIS_URL or REDIS_CLUSTER_NODES') };
}

function required(value: string | undefined, name: string): string {
  if (!value) throw new Error(`${name} is required to build the runtime`);
  return value;
}
