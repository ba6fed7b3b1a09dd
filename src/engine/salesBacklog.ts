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
  const lag = group.lag;
  return { pending: Number(group.pending ?? 0), undelivered: lag === null || lag === undefined ? 0 : Number(lag) };
}

export const backlogTotal = (b: StreamBacklog) => b.pending + b.undelivered;

function toRecord(flat: unknown[]): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) record[String(flat[i])] = flat[i + 1];
  return record;
}
