import type { RedisClient } from '../infra/redisClient.js';
import { systemClock, type Clock } from './clock.js';
import { DEFAULT_LIMITS, EngineContext, type EngineLimits } from './context.js';
import { closeEvent } from './operations/closeEvent.js';
import { confirmSale, type SaleRequest } from './operations/confirmSale.js';
import { extendHold } from './operations/extendHold.js';
import { getHold } from './operations/getHold.js';
import { limitRate } from './operations/limitRate.js';
import { loadEvent, type EventInventory } from './operations/loadEvent.js';
import { refundOrder, type RefundReason } from './operations/refundOrder.js';
import { releaseSeats } from './operations/releaseSeats.js';
import { reserveBestSeats, type SeatBlockArea } from './operations/reserveBestSeats.js';
import { reserveSeats } from './operations/reserveSeats.js';
import { seatStates, seatVersion } from './operations/seatStates.js';
import { snapshotEvent, type SeatCounts } from './operations/snapshotEvent.js';
import { sweepHolds } from './operations/sweepHolds.js';
import {
  admitBuyers, configureQueue, joinQueue, leaveQueue, queuePosition, type QueueSettings,
} from './operations/queueScripts.js';
import { ScriptRunner } from './scripts.js';

export interface EngineDeps {
  redis: RedisClient;
  /** prepended to every key, so tests and tenants share a server safely; no braces */
  prefix?: string;
  clock?: Clock;
  limits?: Partial<EngineLimits>;
}

/**
 * The event actor's API: every call is one Lua script, one round trip, atomic for the
 * event. Business refusals come back as `{ ok: false, code }`; faults throw.
 */
export function createEngine(deps: EngineDeps) {
  const prefix = deps.prefix ?? 'tk:';
  if (/[{}\s]/.test(prefix)) throw new TypeError('engine prefix must not contain braces or spaces');
  const ctx = new EngineContext(
    new ScriptRunner(deps.redis),
    prefix,
    deps.clock ?? systemClock,
    { ...DEFAULT_LIMITS, ...deps.limits },
  );
  const { redis } = deps;

  return {
    context: ctx,
    redis,
    limits: ctx.limits,
    clock: ctx.clock,
    keys: (eventId: string) => ctx.keysFor(eventId),

    async loadEvent(inventory: EventInventory) {
      const result = await loadEvent(ctx, inventory);
      if (result.ok) await redis.sadd(ctx.global.events, inventory.eventId);
      return result;
    },
    reserveSeats: (eventId: string, userId: string, seats: readonly number[]) => reserveSeats(ctx, eventId, userId, seats),
    reserveBestSeats: (eventId: string, userId: string, quantity: number, areas: readonly SeatBlockArea[]) =>
      reserveBestSeats(ctx, eventId, userId, quantity, areas),
    extendHold: (eventId: string, userId: string) => extendHold(ctx, eventId, userId),
    releaseSeats: (eventId: string, userId: string, seats: readonly number[]) => releaseSeats(ctx, eventId, userId, seats),
    getHold: (eventId: string, userId: string, idempotencyKey?: string) => getHold(ctx, eventId, userId, idempotencyKey),
    confirmSale: (sale: SaleRequest) => confirmSale(ctx, sale),
    refundOrder: (eventId: string, orderId: string, reason: RefundReason = 'requested') =>
      refundOrder(ctx, eventId, orderId, reason),
    closeEvent: (eventId: string) => closeEvent(ctx, eventId),
    snapshotEvent: (eventId: string) => snapshotEvent(ctx, eventId),
    seatStates: (eventId: string) => seatStates(ctx, redis, eventId),
    seatVersion: (eventId: string) => seatVersion(ctx, redis, eventId),
    sweepHolds: (eventId: string) => sweepHolds(ctx, eventId),
    limitRate: (endpointClass: string, caller: string, limit: number, periodMs: number) =>
      limitRate(ctx, endpointClass, caller, limit, periodMs),
    joinQueue: (eventId: string, userId: string) => joinQueue(ctx, eventId, userId),
    queuePosition: (eventId: string, userId: string) => queuePosition(ctx, eventId, userId),
    leaveQueue: (eventId: string, userId: string) => leaveQueue(ctx, eventId, userId),
    admitBuyers: (eventId: string) => admitBuyers(ctx, eventId),
    configureQueue: (eventId: string, settings: QueueSettings) => configureQueue(ctx, eventId, settings),

    /**
     * Seat counts without the seat map: two small reads in one MULTI (atomic), for event
     * lists and pages. Holds past their deadline count as available, as in a snapshot.
     */
    async counts(eventId: string): Promise<SeatCounts | undefined> {
      const k = ctx.keysFor(eventId);
      if (!k) return undefined;
      const replies = await redis.multi().hmget(k.state, 'n', 'sold').zcount(k.deadlines, `(${ctx.clock.now()}`, '+inf').exec();
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
        redis.zcard(k.waiting), redis.zcount(k.admitted, `(${ctx.clock.now()}`, '+inf'),
      ]);
      return { waiting, admitted };
    },

    /**
     * Deletes an event's live state (before a rebuild). The sales stream and its dead
     * letters stay: they are the record of what happened.
     */
    async dropActor(eventId: string): Promise<void> {
      const k = ctx.keysFor(eventId);
      if (k) await redis.del(k.state, k.seats, k.deadlines, k.prices, k.orders, k.idempotency);
    },

    /** The actor's orders: sold, including sales not yet persisted, and refunded. */
    async orders(eventId: string): Promise<ActorOrder[]> {
      const k = ctx.keysFor(eventId);
      const all = k ? await redis.hgetall(k.orders) : {};
      return Object.entries(all).map(([orderId, value]) => {
        const [status = '', userId = '', seats = ''] = value.split(' ');
        return { orderId, status, userId, seats: seats.split(',').map(Number) };
      });
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
      return indices.map((index, i) => {
        const [deadline = '0', userId = ''] = (records[i] ?? '').split(' ');
        return { index, userId, deadlineMs: Number(deadline) };
      });
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
        ? await Promise.all([redis.hmget(k.queueJoined, ...waitingIds), Promise.all(waitingIds.map((u) => redis.zscore(k.queueSeen, u)))])
        : [[], []];
      const admitted: { userId: string; untilMs: number }[] = [];
      for (let i = 0; i < admittedFlat.length; i += 2) admitted.push({ userId: admittedFlat[i]!, untilMs: Number(admittedFlat[i + 1]) });
      return {
        waiting: waitingIds.map((userId, i) => ({
          position: i + 1, userId, joinedMs: Number(joined[i] ?? 0), lastSeenMs: Number(seen[i] ?? 0),
        })),
        admitted,
      };
    },

    /** Event ids that have a live actor in this Redis. */
    liveEventIds: () => redis.smembers(ctx.global.events),

    /** Sweeps every live event; returns how many holds were freed. */
    async sweepAll(): Promise<number> {
      let freed = 0;
      for (const eventId of await redis.smembers(ctx.global.events)) freed += await sweepHolds(ctx, eventId);
      return freed;
    },
  };
}

export interface ActorOrder {
  orderId: string;
  /** 'completed' or 'refunded' */
  status: string;
  userId: string;
  seats: number[];
}

export type Engine = ReturnType<typeof createEngine>;
