import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { expandLayout, type Section } from '../src/domain/layout.js';
import { loadConfig } from '../src/config.js';
import type { SessionStore } from '../src/services/sessions.js';
import { silentLogger } from '../src/infra/logger.js';
import { startPrivateRedis } from '../src/infra/redisServer.js';
import { createScratchDatabase } from '../src/persist/scratchDatabase.js';
import type { Pool } from '../src/persist/db.js';
import { insertEventWithSeats } from '../src/persist/repositories/events.js';
import { insertVenue } from '../src/persist/repositories/venues.js';
import { createRuntime } from '../src/runtime.js';
import { createRedisClient, type RedisClient } from '../src/infra/redisClient.js';
import { startLocalStack } from '../scripts/cluster/localStack.js';
import { spawnServer, type ApiProcess } from '../tests/support/apiProcess.js';

/** Where benchmarks may create scratch databases: TEST_DATABASE_URL or the local Postgres. */
export const benchAdminUrl = () => process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A new migrated database, dropped afterwards. */
export const scratchDatabase = (adminUrl: string, poolSize = 10) =>
  createScratchDatabase(adminUrl, 'tk_bench', poolSize);

/** An on-sale event of rows x seatsPerRow seats in Postgres (the API loads its actor at start). */
export async function createEvent(
  pool: Pool,
  rows: number,
  seatsPerRow: number,
  options: { highDemand?: boolean; queueRatePerSecond?: number; queueCapacity?: number } = {},
): Promise<{ id: string; seatIds: string[] }> {
  const sections: Section[] = [{ name: 'Floor', rows, seatsPerRow }];
  const venue = await insertVenue(pool, {
    id: randomUUID(),
    name: `Hall ${rows * seatsPerRow}`,
    address: '',
    city: 'Bench',
    sections,
  });
  const seats = expandLayout(sections, { Floor: 5000 });
  const seatIds = seats.map(() => randomUUID());
  const id = randomUUID();
  await insertEventWithSeats(
    pool,
    {
      id,
      name: 'Bench Night',
      artist: 'Bench',
      venue_id: venue.id,
      event_date: new Date(Date.now() + 86_400_000),
      on_sale_date: new Date(Date.now() - 60_000),
      high_demand: options.highDemand ?? false,
      prices: { Floor: 5000 },
      queue_rate_per_second: options.queueRatePerSecond ?? null,
      queue_capacity: options.queueCapacity ?? null,
    },
    seats,
    seatIds,
  );
  return { id, seatIds };
}

/** Buyer accounts with live sessions (made directly: no bcrypt per buyer); returns their tokens. */
export async function createBuyers(pool: Pool, sessions: SessionStore, count: number): Promise<string[]> {
  return (await createBuyerAccounts(pool, sessions, count)).map((b) => b.token);
}

/** The same, with each buyer's user id next to its session token. */
export async function createBuyerAccounts(
  pool: Pool,
  sessions: SessionStore,
  count: number,
): Promise<{ id: string; token: string }[]> {
  const ids = Array.from({ length: count }, () => randomUUID());
  await pool.query(
    `INSERT INTO users (id, email, name, password_hash) SELECT id, id || '@bench.test', 'Buyer', 'x' FROM unnest($1::uuid[]) AS id`,
    [ids],
  );
  const tokens = await buyerSessions(sessions, ids);
  return ids.map((id, i) => ({ id, token: tokens[i]! }));
}

/** A new session for each of these buyers (created by `createBuyerAccounts`); their tokens. */
export async function buyerSessions(sessions: SessionStore, ids: readonly string[]): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    tokens.push(
      ...(await Promise.all(
        ids
          .slice(i, i + 500)
          .map((id) => sessions.create({ id, email: `${id}@bench.test`, name: 'Buyer', role: 'user' })),
      )),
    );
  }
  return tokens;
}

export const BENCH_PREFIX = 'bench:';

/**
 * The same for the scale-out shape: a local Redis Cluster (3 masters, 3 replicas), `apis`
 * API processes and nginx; `startApi` answers nginx's address.
 */
export async function clusterBenchStack(apis: number) {
  const db = await scratchDatabase(benchAdminUrl());
  const dir = mkdtempSync(join(tmpdir(), 'tk-bench-cluster-'));
  const stack = await startLocalStack({
    dir,
    databaseUrl: db.url,
    apis,
    env: { REDIS_PREFIX: BENCH_PREFIX, RATE_LIMITS: 'off', LOG_LEVEL: 'warn' },
  });
  const redis: RedisClient = createRedisClient({ clusterNodes: stack.redis.spec });
  const runtime = createRuntime(loadConfig({ REDIS_PREFIX: BENCH_PREFIX }), {
    redis,
    pool: db.pool,
    log: silentLogger,
    persister: false,
  });
  return {
    redis,
    db,
    engine: runtime.engine,
    sessions: runtime.sessions,
    startApi: async () => ({ url: stack.url }),
    /** the master serving a key's slot now */
    masterOf: (key: string) => stack.redis.masterOf(key),
    /** sets every node's AOF fsync policy (the benchmark puts it back) */
    async appendFsync(policy: 'always' | 'everysec') {
      await Promise.all(
        stack.redis.nodes.map(async (node) => {
          const admin = new Redis({ port: node.port, host: '127.0.0.1' });
          try {
            await admin.config('SET', 'appendfsync', policy);
          } finally {
            admin.disconnect();
          }
        }),
      );
    },
    async close() {
      redis.disconnect();
      await stack.stop();
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * What an HTTP benchmark runs against: a private redis-server, a scratch database, and
 * child processes (the API itself, the baselines) that are stopped with it.
 */
export async function benchStack() {
  const redisServer = await startPrivateRedis();
  const redis = new Redis(redisServer.url);
  const db = await scratchDatabase(benchAdminUrl());
  // The benchmark's own in-process view of the same Redis and database (never started: the API process serves).
  const runtimeUnder = (prefix: string) =>
    createRuntime(loadConfig({ REDIS_PREFIX: prefix }), { redis, pool: db.pool, log: silentLogger, persister: false });
  const runtime = runtimeUnder(BENCH_PREFIX);
  const children: ApiProcess[] = [];
  const track = async (started: Promise<ApiProcess>) => {
    const child = await started;
    children.push(child);
    return child;
  };
  return {
    redis,
    db,
    engine: runtime.engine,
    sessions: runtime.sessions,
    /** the engine and sessions of API processes started with REDIS_PREFIX=prefix (a world of their own in the same Redis) */
    under(prefix: string) {
      const other = runtimeUnder(prefix);
      return { engine: other.engine, sessions: other.sessions };
    },
    /** the API as `npm start` runs it (rate limits off); BENCH_CPU_PROF=<dir> profiles it */
    startApi: (env: Record<string, string> = {}) =>
      track(
        spawnServer(
          ['src/main.ts'],
          {
            DATABASE_URL: db.url,
            REDIS_URL: redisServer.url,
            REDIS_PREFIX: BENCH_PREFIX,
            PORT: '0',
            RATE_LIMITS: 'off',
            LOG_LEVEL: 'info',
            ...env,
          },
          process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [],
        ),
      ),
    startBaseline: (mode: 'bare' | 'evalsha' | 'pglock') =>
      track(spawnServer(['bench/baselines.ts', mode], { DATABASE_URL: db.url, REDIS_URL: redisServer.url })),
    async close() {
      for (const child of children) child.child.kill('SIGTERM');
      await Promise.all(children.map((c) => c.exited));
      redis.disconnect();
      await db.drop();
      await redisServer.stop();
    },
  };
}
