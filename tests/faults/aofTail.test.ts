import { readdirSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createEngine, type Engine } from '../../src/engine/engine.js';
import { silentLogger } from '../../src/infra/logger.js';
import { startPrivateRedis, type PrivateRedis } from '../../src/infra/redisServer.js';
import { Persister } from '../../src/persist/persister.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { checkActors } from '../../src/startup.js';
import { freshDatabase, type TestDatabase } from '../support/postgres.js';
import { buy, seedEvent, seedUsers } from '../support/world.js';

/**
 * Redis with `appendfsync everysec` loses up to a second of writes in an OS crash: simulated
 * by cutting the AOF back to an earlier length while the server is down. Sales that had
 * already reached Postgres are then missing from the actor: their seats look free again.
 */
let server: PrivateRedis;
let db: TestDatabase;
beforeEach(async () => {
  server = await startPrivateRedis({ appendOnly: true });
  db = await freshDatabase();
});
afterEach(async () => {
  await server.stop();
  await db.drop();
});

/** The file Redis appends writes to (Redis 7: appendonlydir/<name>.incr.aof). */
function aofFile(): string {
  const dir = join(server.dir, 'appendonlydir');
  const name = readdirSync(dir).find((f) => f.endsWith('.incr.aof'));
  if (!name) throw new Error('no incremental AOF file');
  return join(dir, name);
}

const sold = async (engine: Engine, eventId: string) => {
  const snapshot = await engine.snapshotEvent(eventId);
  if (!snapshot.ok) throw new Error(snapshot.code);
  return [...snapshot.states].flatMap((state, i) => (state === '2' ? [i] : []));
};

/** 5 sales, the AOF's length noted, 5 more sales; all 10 persisted; then Redis loses the last 5. */
async function salesThenLostTail(redis: Redis, engine: Engine, persist: (tickets: number) => Promise<void>) {
  const users = await seedUsers(db.pool, 10);
  const { eventId } = await seedEvent(db.pool, engine);
  for (let i = 0; i < 5; i++) await buy(engine, eventId, users[i]!, [i]);
  await persist(5);
  const cut = statSync(aofFile()).size;
  for (let i = 5; i < 10; i++) await buy(engine, eventId, users[i]!, [i]);
  await persist(10);
  const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM tickets WHERE event_id = $1`, [
    eventId,
  ]);
  expect(rows[0]!.n).toBe(10);

  await server.kill();
  truncateSync(aofFile(), cut);
  await server.restart();
  await redis.ping(); // reconnected
  // the lost tail: Redis no longer knows the last five sales, Postgres does
  expect(await sold(engine, eventId)).toEqual([0, 1, 2, 3, 4]);
  return eventId;
}

function runtimeOn(redis: Redis, background: boolean): Runtime {
  return createRuntime(loadConfig({ RATE_LIMITS: 'off' }), {
    redis,
    pool: db.pool,
    log: silentLogger,
    persister: true,
    persisterPollMs: 10,
    background,
    notifications: false,
    redisHealth: { isUp: true, reportFailure() {} },
  });
}

describe('a Redis that lost the tail of its AOF', () => {
  it('at start: every actor is compared with Postgres and the one that lost sales is rebuilt before serving', async () => {
    const redis = new Redis(server.url);
    const engine = createEngine({ redis });
    const persister = new Persister({ redis, pool: db.pool, log: silentLogger });
    const eventId = await salesThenLostTail(redis, engine, async () => {
      while ((await persister.drainOnce()) > 0);
    });
    const rt = runtimeOn(redis, false);
    try {
      await checkActors(rt, () => {});
      expect(await sold(engine, eventId)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      // the seats sold before the crash are not offered again
      expect(await engine.reserveSeats(eventId, 'someone-else', [7])).toMatchObject({
        ok: false,
        code: 'seats_unavailable',
      });
    } finally {
      await rt.stop();
      redis.disconnect();
    }
  });

  it('while serving: the restart is noticed (a new run id) and the actor is rebuilt without a restart of the API', async () => {
    const redis = new Redis(server.url);
    const rt = runtimeOn(redis, true);
    await rt.start();
    try {
      // the running persister writes them
      const eventId = await salesThenLostTail(redis, rt.engine, (tickets) =>
        expect
          .poll(async () => (await db.pool.query(`SELECT count(*)::int AS n FROM tickets`)).rows[0].n, {
            timeout: 10_000,
          })
          .toBe(tickets),
      );
      await expect
        .poll(() => sold(rt.engine, eventId), { timeout: 10_000, interval: 100 })
        .toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    } finally {
      await rt.stop();
      redis.disconnect();
    }
  });
});
