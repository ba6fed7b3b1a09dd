import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { silentLogger } from '../../src/infra/logger.js';
import { Persister } from '../../src/persist/persister.js';
import type { EngineFixture } from '../support/engine.js';
import type { TestDatabase } from '../support/postgres.js';
import { buy, engineWithDatabase, seedEvent, type EngineWithDatabase } from '../support/world.js';

let stack: EngineWithDatabase;
let fx: EngineFixture;
let db: TestDatabase;
let users: string[];
beforeAll(async () => {
  stack = await engineWithDatabase(10);
  ({ fx, db, users } = stack);
});
afterAll(() => stack.close());

/** Runs `npm run persister`'s entry point with a failpoint; resolves with how it ended. */
function runPersisterUntilCrash(failpoint: string): Promise<NodeJS.Signals | number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/persist/main.ts'], {
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        REDIS_URL: inject('redisUrl'),
        REDIS_PREFIX: fx.prefix,
        PERSISTER_FAILPOINT: failpoint,
        LOG_LEVEL: 'silent',
      },
      stdio: 'ignore',
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(signal ?? code);
    });
  });
}

async function counts(eventId: string) {
  const { rows } = await db.pool.query<{ orders: number; tickets: number }>(
    `SELECT (SELECT count(*)::int FROM orders WHERE event_id = $1) AS orders,
            (SELECT count(*)::int FROM tickets WHERE event_id = $1) AS tickets`,
    [eventId],
  );
  return rows[0]!;
}

describe.each(['before_commit', 'after_commit'])('persister killed with SIGKILL %s', (failpoint) => {
  it('loses no sale and duplicates none after a restart', async () => {
    const { eventId } = await seedEvent(db.pool, fx.engine);
    for (let i = 0; i < 10; i++) await buy(fx.engine, eventId, users[i]!, [2 * i, 2 * i + 1]);

    expect(await runPersisterUntilCrash(failpoint)).toBe('SIGKILL');
    const afterCrash = await counts(eventId);
    expect(afterCrash).toEqual(failpoint === 'before_commit' ? { orders: 0, tickets: 0 } : { orders: 10, tickets: 20 });
    const sales = fx.engine.keys(eventId)!.sales;
    expect(((await fx.redis.xpending(sales, 'persister')) as [number])[0]).toBe(10);

    // A new persister on this host takes over the dead one's entries in its first round, not
    // after the claim idle (30 s): the dead one's pid is gone. Its name leaves the group.
    const next = new Persister({ redis: fx.redis, pool: db.pool, log: silentLogger, prefix: fx.prefix });
    expect(await next.drainOnce()).toBe(10);
    expect(await counts(eventId)).toEqual({ orders: 10, tickets: 20 });
    expect(((await fx.redis.xpending(sales, 'persister')) as [number])[0]).toBe(0);
    expect(await next.drainOnce()).toBe(0);
    const consumers = (await fx.redis.xinfo('CONSUMERS', sales, 'persister')) as unknown[][];
    expect(consumers.map((c) => c[1])).toEqual([`${hostname()}-${process.pid}`]);
  });
});

describe('a persister of this host that is alive', () => {
  it("keeps its pending entries: only a gone process's are taken at once", async () => {
    const { eventId } = await seedEvent(db.pool, fx.engine);
    for (let i = 0; i < 3; i++) await buy(fx.engine, eventId, users[i]!, [i]);
    const sales = fx.engine.keys(eventId)!.sales;
    const alive = spawn('sleep', ['30']);
    try {
      const busy = `${hostname()}-${alive.pid}`;
      await fx.redis.xgroup('CREATE', sales, 'persister', '0', 'MKSTREAM').catch(() => {});
      await fx.redis.xreadgroup('GROUP', 'persister', busy, 'COUNT', 10, 'STREAMS', sales, '>');
      const next = new Persister({ redis: fx.redis, pool: db.pool, log: silentLogger, prefix: fx.prefix });
      expect(await next.drainOnce()).toBe(0);
      const pending = (await fx.redis.xpending(sales, 'persister', '-', '+', 10)) as [string, string][];
      expect(pending.map(([, consumer]) => consumer)).toEqual([busy, busy, busy]);
    } finally {
      alive.kill();
    }
  });
});
