import type { RedisClient } from '../../src/infra/redisClient.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionStore } from '../../src/services/sessions.js';
import { engineFixture, type EngineFixture } from '../support/engine.js';

let fx: EngineFixture;
let here: SessionStore;
let there: SessionStore;
let otherConnection: RedisClient;
beforeAll(async () => {
  fx = engineFixture();
  // two API processes sharing one Redis
  otherConnection = fx.redis.duplicate();
  here = new SessionStore(fx.redis, fx.prefix);
  there = new SessionStore(otherConnection, fx.prefix);
  await Promise.all([here.start(), there.start()]);
});
afterAll(async () => {
  here.stop();
  there.stop();
  otherConnection.disconnect();
  await fx.close();
});

const user = { id: '00000000-0000-4000-8000-000000000001', email: 'a@b.test', name: 'A', role: 'user' as const };

describe('sessions', () => {
  it('a logout in one process ends the session in every process at once, cached or not', async () => {
    const token = await here.create(user);
    expect(await there.get(token)).toEqual(user); // now cached over there
    await here.destroy(token);
    await expect.poll(() => there.get(token), { timeout: 1_000, interval: 5 }).toBeUndefined();
    expect(await here.get(token)).toBeUndefined();
  });

  it('serves a cached session without Redis, and works uncached when not started', async () => {
    const token = await here.create(user);
    expect(await there.get(token)).toEqual(user);
    for (const key of await fx.redis.keys(`${fx.prefix}session:*`)) await fx.redis.del(key);
    expect(await there.get(token)).toEqual(user); // cached for a few seconds
    const plain = new SessionStore(fx.redis, fx.prefix);
    expect(await plain.get(token)).toBeUndefined(); // not started: every read goes to Redis
    expect(await plain.get('not-a-token')).toBeUndefined();
  });
});
