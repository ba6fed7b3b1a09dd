import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../src/infra/redisServer.js';
import { spawnApi } from '../support/apiProcess.js';
import { deletePrefix, newRedis, testPrefix } from '../support/engine.js';
import { freshDatabase, type TestDatabase } from '../support/postgres.js';

const redis = newRedis();
const prefix = testPrefix();
let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => {
  await deletePrefix(redis, prefix);
  redis.disconnect();
  await db.drop();
});

describe('npm start\'s server on SIGTERM', () => {
  it('finishes the requests in flight (registrations mid-bcrypt) before it exits, and exits 0', async () => {
    const port = String(await freePort());
    const api = await spawnApi({ DATABASE_URL: db.url, REDIS_URL: inject('redisUrl'), REDIS_PREFIX: prefix, PORT: port, RATE_LIMITS: 'off' });
    // bcrypt runs 4 at a time on the threadpool: most of these are still hashing when the signal comes
    const answers = Array.from({ length: 12 }, () =>
      fetch(`${api.url}/api/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: `${randomUUID()}@x.test`, password: 'correct horse', name: 'Drain' }),
      }).then(
        async (res) => ({ status: res.status, connection: res.headers.get('connection') }),
        () => ({ status: 'network_error' as const, connection: null }),
      ),
    );
    await Promise.race(answers); // the first answer: every request has reached the server by now
    api.child.kill('SIGTERM');
    const outcomes = await Promise.all(answers);
    expect(outcomes.map((o) => o.status)).toEqual(Array(12).fill(201));
    expect(await api.exited).toBe(0);
    const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM users WHERE name = 'Drain'`);
    expect(rows[0]!.n).toBe(12);
  });
});
