import { afterAll, beforeAll, inject } from 'vitest';
import { freePort } from '../../src/infra/redisServer.js';
import { deletePrefix, newRedis, testPrefix } from './engine.js';
import { freshDatabase, type TestDatabase } from './postgres.js';

/**
 * What a test file needs to run `npm start`'s server as a child process: its own key prefix on
 * the run's Redis and a fresh database, both removed after the file, and the server's environment.
 */
export function spawnedApiWorld() {
  const redis = newRedis();
  const prefix = testPrefix();
  let db: TestDatabase | undefined;
  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(async () => {
    await deletePrefix(redis, prefix);
    redis.disconnect();
    await db?.drop();
  });
  return {
    redis,
    prefix,
    get db(): TestDatabase {
      if (!db) throw new Error('the database exists from beforeAll on');
      return db;
    },
    /** the server's environment on a free port (rate limits off) */
    async env(): Promise<Record<string, string>> {
      const port = String(await freePort());
      return {
        DATABASE_URL: this.db.url,
        REDIS_URL: inject('redisUrl'),
        REDIS_PREFIX: prefix,
        PORT: port,
        RATE_LIMITS: 'off',
      };
    },
  };
}
