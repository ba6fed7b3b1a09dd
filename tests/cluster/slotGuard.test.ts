import { afterAll, describe, expect, it } from 'vitest';
import { eventKeys, globalKeys } from '../../src/engine/keys.js';
import { newRedis, testPrefix } from '../support/engine.js';

/**
 * The suite's Redis runs in cluster mode (one node, every slot), so Redis itself refuses
 * any command, MULTI or script of any test that spans two slots. This file proves the
 * guard is on and bites: if it were off, a cross-slot operation added anywhere would pass.
 */
const redis = newRedis();
afterAll(() => redis.disconnect());
const prefix = testPrefix();
const a = eventKeys(prefix, 'slot-a');
const b = eventKeys(prefix, 'slot-b');
const global = globalKeys(prefix);

describe.skipIf(process.env.TEST_REDIS_URL)('the test Redis refuses cross-slot operations', () => {
  it('is a cluster node serving every slot', async () => {
    const info = String(await redis.call('CLUSTER', 'INFO'));
    expect(info).toContain('cluster_state:ok');
    expect(info).toContain('cluster_slots_assigned:16384');
  });

  it('refuses a multi-key command, a MULTI and a script over two slots', async () => {
    await expect(redis.del(a.state, b.state)).rejects.toThrow(/CROSSSLOT/);
    await expect(redis.multi().del(global.session('x')).zrem(global.activeSessions, 'x').exec()).rejects.toThrow(
      /CROSSSLOT|EXECABORT/,
    );
    await expect(
      redis.eval("return redis.call('GET', KEYS[1]) or redis.call('GET', KEYS[2])", 2, a.state, b.state),
    ).rejects.toThrow(/CROSSSLOT|same slot/);
    await redis.xadd(a.sales, '*', 'k', 'v');
    await redis.xadd(b.sales, '*', 'k', 'v');
    await expect(redis.xread('COUNT', 1, 'STREAMS', a.sales, b.sales, '0', '0')).rejects.toThrow(/CROSSSLOT/);
  });

  it('allows every key of one event together: they share the hash tag', async () => {
    const c = eventKeys(prefix, 'slot-c');
    await redis.xadd(c.sales, '*', 'k', 'v');
    await redis.hset(c.state, 'n', '1');
    expect(await redis.multi().hget(c.state, 'n').xlen(c.sales).exec()).toEqual([
      [null, '1'],
      [null, 1],
    ]);
    expect(await redis.del(c.state, c.seats, c.sales, c.orders)).toBe(2);
    await redis.del(a.sales);
    await redis.del(b.sales);
  });
});
