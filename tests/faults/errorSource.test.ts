import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { knownError } from '../../src/http/faultAnswers.js';
import { FAIL_FAST_REDIS } from '../../src/infra/availability.js';
import { silentLogger } from '../../src/infra/logger.js';
import { StoreRedis } from '../../src/infra/storeRedis.js';
import { freePort, startPrivateRedis, type PrivateRedis } from '../../src/infra/redisServer.js';
import { storeOf } from '../../src/infra/storeErrors.js';
import { createPool } from '../../src/persist/db.js';
import { freshDatabase, type TestDatabase } from '../support/postgres.js';

/** Real errors from real clients, classified by the client that raised them, never by their text. */
let redisServer: PrivateRedis;
let db: TestDatabase;
beforeAll(async () => {
  redisServer = await startPrivateRedis();
  db = await freshDatabase();
});
afterAll(async () => {
  await redisServer.stop();
  await db.drop();
});

function answer(err: unknown) {
  let breakerReports = 0;
  const result = knownError(
    { redisHealth: { isUp: true, reportFailure: () => void (breakerReports += 1) } },
    err as Error,
    silentLogger,
  );
  return { status: result.status, code: result.code, breakerReports };
}

const failureOf = (work: Promise<unknown>) =>
  work.then(
    () => {
      throw new Error('expected a failure');
    },
    (err: unknown) => err,
  );

describe('errors are classified by the client that raised them', () => {
  it('Postgres refusing a connection (ECONNREFUSED) is a database outage, and does not open the Redis breaker', async () => {
    const pool = createPool(`postgres://postgres@127.0.0.1:${await freePort()}/none`, 1);
    const err = await failureOf(pool.query('SELECT 1'));
    await pool.end();
    expect(String(err)).toMatch(/ECONNREFUSED/);
    expect(storeOf(err)).toBe('postgres');
    expect(answer(err)).toEqual({ status: 503, code: 'database_unavailable', breakerReports: 0 });
  });

  it('Redis refusing a connection is a Redis outage and opens the breaker', async () => {
    const redis = new StoreRedis(`redis://127.0.0.1:${await freePort()}`, {
      ...FAIL_FAST_REDIS,
      retryStrategy: () => null,
    });
    const err = await failureOf(redis.get('k'));
    redis.disconnect();
    expect(storeOf(err)).toBe('redis');
    expect(answer(err)).toEqual({ status: 503, code: 'redis_unavailable', breakerReports: 1 });
  });

  it('a Redis error reply (WRONGTYPE) is an answer, not an outage: a 500, breaker untouched', async () => {
    const redis = new StoreRedis(redisServer.url);
    await redis.set('faults:string', 'x');
    const err = await failureOf(redis.hget('faults:string', 'f'));
    redis.disconnect();
    expect(storeOf(err)).toBe('redis');
    expect(answer(err)).toEqual({ status: 500, code: 'internal', breakerReports: 0 });
  });

  it("a value Postgres refuses (SQLSTATE class 22) is the client's 400, through a pool and through a transaction client", async () => {
    const viaPool = await failureOf(db.pool.query('SELECT $1::int', ['ten']));
    expect(answer(viaPool)).toEqual({ status: 400, code: 'invalid_input', breakerReports: 0 });
    const client = await db.pool.connect();
    const viaClient = await failureOf(client.query('SELECT $1::text', ['a\u0000b']));
    client.release();
    expect((viaClient as { code?: string }).code).toMatch(/^22/);
    expect(answer(viaClient)).toEqual({ status: 400, code: 'invalid_input', breakerReports: 0 });
  });

  it('an error no store raised is a 500 even if its text looks like an outage', () => {
    expect(answer(new Error('connect ECONNREFUSED 127.0.0.1:6379'))).toEqual({
      status: 500,
      code: 'internal',
      breakerReports: 0,
    });
  });
});
