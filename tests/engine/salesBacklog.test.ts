import { afterAll, describe, expect, it } from 'vitest';
import { CONSUMER_GROUP, streamBacklog } from '../../src/engine/salesBacklog.js';
import { deletePrefix, engineFixture } from '../support/engine.js';

const fx = engineFixture();
afterAll(async () => {
  await deletePrefix(fx.redis, fx.prefix);
  fx.redis.disconnect();
});

describe('a sales stream backlog', () => {
  it('counts what no persister has read even when Redis cannot (a null lag after a deletion)', async () => {
    const stream = `${fx.prefix}{e:backlog}:sales`;
    await fx.redis.xgroup('CREATE', stream, CONSUMER_GROUP, '0', 'MKSTREAM');
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push(await fx.redis.xadd(stream, '*', 'n', String(i)));
    await fx.redis.xreadgroup('GROUP', CONSUMER_GROUP, 'p1', 'COUNT', 1, 'STREAMS', stream, '>');
    expect(await streamBacklog(fx.redis, stream)).toEqual({ pending: 1, undelivered: 3 });
    // Deleting an entry no one has read makes Redis report the group's lag as null.
    await fx.redis.xdel(stream, ids[2]!);
    const groups = (await fx.redis.xinfo('GROUPS', stream)) as unknown[][];
    expect(groups[0]![groups[0]!.indexOf('lag') + 1]).toBeNull();
    expect(await streamBacklog(fx.redis, stream)).toEqual({ pending: 1, undelivered: 2 });
  });
});
