import type { RedisClient } from '../infra/redisClient.js';
import { systemClock, type Clock } from './clock.js';
import { DEFAULT_LIMITS, EngineContext, type EngineLimits } from './context.js';
import { closeEvent } from './operations/closeEvent.js';
import { dropActor } from './operations/dropActor.js';
import { confirmSale, type SaleRequest } from './operations/confirmSale.js';
import { extendHold } from './operations/extendHold.js';
import { getHold } from './operations/getHold.js';
import { limitRate, type RateLimit } from './operations/limitRate.js';
import { loadEvent, type EventInventory } from './operations/loadEvent.js';
import { refundOrder, type RecordedOrder, type RefundReason } from './operations/refundOrder.js';
import { releaseSeats } from './operations/releaseSeats.js';
import { reserveBestSeats, type SeatBlockArea } from './operations/reserveBestSeats.js';
import { reserveSeats } from './operations/reserveSeats.js';
import { seatMapState, seatStates, seatVersion } from './operations/seatStates.js';
import { snapshotEvent } from './operations/snapshotEvent.js';
import { sweepHolds } from './operations/sweepHolds.js';
import { trimSales } from './operations/trimSales.js';
import {
  admitBuyers,
  configureQueue,
  joinQueue,
  leaveQueue,
  queuePosition,
  type QueueSettings,
} from './operations/queueScripts.js';
import { actorState } from './actorState.js';
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
  const ctx = new EngineContext(new ScriptRunner(deps.redis), prefix, deps.clock ?? systemClock, {
    ...DEFAULT_LIMITS,
    ...deps.limits,
  });
  const { redis } = deps;

  return {
    prefix: ctx.prefix,
    limits: ctx.limits,
    clock: ctx.clock,
    keys: (eventId: string) => ctx.keysFor(eventId),

    async loadEvent(inventory: EventInventory) {
      const result = await loadEvent(ctx, inventory);
      if (result.ok) await redis.sadd(ctx.global.events, inventory.eventId);
      return result;
    },
    reserveSeats: (eventId: string, userId: string, seats: readonly number[], rate?: RateLimit) =>
      reserveSeats(ctx, eventId, userId, seats, rate),
    reserveBestSeats: (
      eventId: string,
      userId: string,
      quantity: number,
      areas: readonly SeatBlockArea[],
      rate?: RateLimit,
    ) => reserveBestSeats(ctx, eventId, userId, quantity, areas, rate),
    extendHold: (eventId: string, userId: string) => extendHold(ctx, eventId, userId),
    releaseSeats: (eventId: string, userId: string, seats: readonly number[], rate?: RateLimit) =>
      releaseSeats(ctx, eventId, userId, seats, rate),
    getHold: (eventId: string, userId: string, idempotencyKey?: string, rate?: RateLimit) =>
      getHold(ctx, eventId, userId, idempotencyKey, rate),
    confirmSale: (sale: SaleRequest) => confirmSale(ctx, sale),
    refundOrder: (eventId: string, orderId: string, reason: RefundReason = 'requested', recorded?: RecordedOrder) =>
      refundOrder(ctx, eventId, orderId, reason, recorded),
    closeEvent: (eventId: string) => closeEvent(ctx, eventId),
    dropActor: (eventId: string, salesHead: string) => dropActor(ctx, eventId, salesHead),
    snapshotEvent: (eventId: string) => snapshotEvent(ctx, eventId),
    seatStates: (eventId: string) => seatStates(ctx, redis, eventId),
    seatVersion: (eventId: string) => seatVersion(ctx, redis, eventId),
    seatMapState: (eventId: string) => seatMapState(ctx, redis, eventId),
    sweepHolds: (eventId: string) => sweepHolds(ctx, eventId),
    trimSales: (eventId: string, cutoffMs: number) => trimSales(ctx, eventId, cutoffMs),
    limitRate: (endpointClass: string, caller: string, limit: number, periodMs: number) =>
      limitRate(ctx, endpointClass, caller, limit, periodMs),
    joinQueue: (eventId: string, userId: string, rate?: RateLimit) => joinQueue(ctx, eventId, userId, rate),
    queuePosition: (eventId: string, userId: string, rate?: RateLimit) => queuePosition(ctx, eventId, userId, rate),
    leaveQueue: (eventId: string, userId: string) => leaveQueue(ctx, eventId, userId),
    admitBuyers: (eventId: string) => admitBuyers(ctx, eventId),
    configureQueue: (eventId: string, settings: QueueSettings) => configureQueue(ctx, eventId, settings),

    ...actorState(ctx, redis),

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

export type { ActorOrder } from './records.js';

export type Engine = ReturnType<typeof createEngine>;
