import { spawn } from 'node:child_process';
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
        ...process.env, DATABASE_URL: db.url, REDIS_URL: inject('redisUrl'), REDIS_PREFIX: fx.prefix,
        PERSISTER_FAILPOINT: failpoint, LOG_LEVEL: 'silent',
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

    // A new persister takes over the dead one's entries.
    const next = new Persister({ redis: fx.redis, pool: db.pool, log: silentLogger, prefix: fx.prefix, claimIdleMs: 1 });
    await new Promise((r) => setTimeout(r, 5));
    while ((await next.drainOnce()) > 0);
    expect(await counts(eventId)).toEqual({ orders: 10, tickets: 20 });
    expect(((await fx.redis.xpending(sales, 'persister')) as [number])[0]).toBe(0);
  });
});
