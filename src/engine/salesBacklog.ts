import type { RedisClient } from '../infra/redisClient.js';

/** The consumer group the persisters read every sales stream in. */
export const CONSUMER_GROUP = 'persister';

export interface StreamBacklog {
  /** entries delivered to a persister and not yet acknowledged */
  pending: number;
  /** entries no persister has read yet */
  undelivered: number;
}

/** How much of a sales stream is not yet in Postgres. */
export async function streamBacklog(redis: RedisClient, streamKey: string): Promise<StreamBacklog> {
  const groups = (await redis.xinfo('GROUPS', streamKey).catch(() => [])) as unknown[][];
  const group = groups.map(toRecord).find((g) => g.name === CONSUMER_GROUP);
  if (!group) return { pending: 0, undelivered: await redis.xlen(streamKey) };
  const pending = Number(group.pending ?? 0);
  // Redis answers a null lag when it cannot count it (entries deleted past the group's read
  // point): count what lies after the last delivered id instead of taking it for none.
  if (group.lag !== null && group.lag !== undefined) return { pending, undelivered: Number(group.lag) };
  const after = await redis.xrange(streamKey, `(${String(group['last-delivered-id'])}`, '+');
  return { pending, undelivered: after.length };
}

/** The last id a stream has given out, kept by Redis through trims ('0-0' when there is no stream). */
export async function streamHead(redis: RedisClient, streamKey: string): Promise<string> {
  const info = (await redis.xinfo('STREAM', streamKey).catch(() => undefined)) as unknown[] | undefined;
  return info ? String(toRecord(info)['last-generated-id']) : '0-0';
}

export const backlogTotal = (b: StreamBacklog) => b.pending + b.undelivered;

function toRecord(flat: unknown[]): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) record[String(flat[i])] = flat[i + 1];
  return record;
}
