import { isCluster, masterNodes, type RedisClient } from '../infra/redisClient.js';
import type { EngineContext } from './context.js';
import type { SeatCounts } from './operations/snapshotEvent.js';
import { decodeHold, decodeOrder, type ActorOrder } from './records.js';
import { streamBacklog, streamHead, type StreamBacklog } from './salesBacklog.js';

/**
 * Reads of an event actor's state that need no script: counts, holds, orders, the queue,
 * the sales stream's backlog. Decoding is in records.ts, next to the Lua that writes it.
 */
export function actorState(ctx: EngineContext, redis: RedisClient) {
  return {
    /**
     * Seat counts without the seat map: two small reads in one MULTI (atomic), for event
     * lists and pages. Holds past their deadline count as available, as in a snapshot.
     */
    async counts(eventId: string): Promise<SeatCounts | undefined> {
      const k = ctx.keysFor(eventId);
      if (!k) return undefined;
      const replies = await redis
        .multi()
        .hmget(k.state, 'n', 'sold')
        .zcount(k.deadlines, `(${ctx.clock.now()}`, '+inf')
        .exec();
      const [[, meta], [, held]] = replies as [[unknown, (string | null)[]], [unknown, number]];
      if (!meta[0]) return undefined;
      const total = Number(meta[0]);
      const sold = Number(meta[1] ?? 0);
      return { total, available: total - Number(held) - sold, held: Number(held), sold };
    },

    /** Buyers waiting, and buyers admitted now (lapsed admissions not yet expired excluded). */
    async queueCounts(eventId: string): Promise<{ waiting: number; admitted: number }> {
      const k = ctx.keysFor(eventId);
      if (!k) return { waiting: 0, admitted: 0 };
      const [waiting, admitted] = await Promise.all([
        redis.zcard(k.waiting),
        redis.zcount(k.admitted, `(${ctx.clock.now()}`, '+inf'),
      ]);
      return { waiting, admitted };
    },

    /** The last id its sales stream has given out ('0-0': none yet), the fence of a rebuild's drop. */
    async salesHead(eventId: string): Promise<string> {
      const k = ctx.keysFor(eventId);
      return k ? streamHead(redis, k.sales) : '0-0';
    },

    /** The actor's orders: sold, including sales not yet persisted, and refunded. */
    async orders(eventId: string): Promise<ActorOrder[]> {
      const k = ctx.keysFor(eventId);
      const all = k ? await redis.hgetall(k.orders) : {};
      return Object.entries(all).map(([orderId, value]) => decodeOrder(orderId, value));
    },

    /** Every hold record with its holder and deadline, soonest deadline first (lapsed ones included until swept). */
    async holds(eventId: string): Promise<{ index: number; userId: string; deadlineMs: number }[]> {
      const k = ctx.keysFor(eventId);
      if (!k) return [];
      const byDeadline = await redis.zrange(k.deadlines, 0, -1, 'WITHSCORES');
      const indices: number[] = [];
      for (let i = 0; i < byDeadline.length; i += 2) indices.push(Number(byDeadline[i]));
      if (indices.length === 0) return [];
      const records = await redis.hmget(k.state, ...indices.map((idx) => `s:${idx}`));
      return indices.map((index, i) => ({ index, ...decodeHold(records[i]) }));
    },

    /** The first `limit` waiting buyers (with join and last-poll times) and every admitted buyer. */
    async queueDetail(eventId: string, limit: number) {
      const k = ctx.keysFor(eventId);
      if (!k) return { waiting: [], admitted: [] };
      const [waitingIds, admittedFlat] = await Promise.all([
        redis.zrange(k.waiting, 0, limit - 1),
        redis.zrange(k.admitted, 0, -1, 'WITHSCORES'),
      ]);
      const [joined, seen] = waitingIds.length
        ? await Promise.all([
            redis.hmget(k.queueJoined, ...waitingIds),
            Promise.all(waitingIds.map((u) => redis.zscore(k.queueSeen, u))),
          ])
        : [[], []];
      const admitted: { userId: string; untilMs: number }[] = [];
      for (let i = 0; i < admittedFlat.length; i += 2)
        admitted.push({ userId: admittedFlat[i]!, untilMs: Number(admittedFlat[i + 1]) });
      return {
        waiting: waitingIds.map((userId, i) => ({
          position: i + 1,
          userId,
          joinedMs: Number(joined[i] ?? 0),
          lastSeenMs: Number(seen[i] ?? 0),
        })),
        admitted,
      };
    },

    /** How much of the event's sales stream is not yet in Postgres. */
    async salesBacklog(eventId: string): Promise<StreamBacklog> {
      const k = ctx.keysFor(eventId);
      return k ? streamBacklog(redis, k.sales) : { pending: 0, undelivered: 0 };
    },

    /** Sales and refunds Postgres refused, parked in the event's dead-letter stream. */
    async deadLetterCount(eventId: string): Promise<number> {
      const k = ctx.keysFor(eventId);
      return k ? redis.xlen(k.deadLetter) : 0;
    },

    /** Redis answers (for a status check). */
    ping: () => redis.ping(),

    /** Takes a short lock in the event's own slot (e.g. one repair at a time); false if another holds it. */
    async tryLock(eventId: string, name: string, ms: number): Promise<boolean> {
      const k = ctx.keysFor(eventId);
      return !!k && (await redis.set(`${k.state}:${name}`, '1', 'PX', ms, 'NX')) === 'OK';
    },

    async unlock(eventId: string, name: string): Promise<void> {
      const k = ctx.keysFor(eventId);
      if (k) await redis.del(`${k.state}:${name}`);
    },

    /**
     * Which Redis servers hold the actors: every master as "host:port/run_id" (sorted). It
     * changes when a replica takes over and when a server restarts (a new run id), i.e.
     * whenever recent writes may have been lost.
     */
    async redisIdentity(): Promise<string> {
      const masters = isCluster(redis) ? redis.nodes('master') : masterNodes(redis);
      const ids = await Promise.all(
        masters.map(async (node) => {
          const info = await node.info('server');
          const runId = /run_id:(\w+)/.exec(info)?.[1] ?? '?';
          return `${node.options.host}:${node.options.port}/${runId}`;
        }),
      );
      return ids.sort().join(',');
    },

    /** A connection of its own for the actors' change channels (a subscribed connection takes no commands). */
    newSubscriber: () => redis.duplicate(),
  };
}
