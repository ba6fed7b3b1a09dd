import type { EngineContext } from '../context.js';
import type { EngineFailure } from '../errors.js';
import { readReply } from '../replies.js';
import { rateArgs, readRated, type RateLimit, type Rated } from './limitRate.js';

export type QueueStatus = 'waiting' | 'admitted' | 'expired' | 'not_queued';

export interface QueueStanding {
  ok: true;
  status: QueueStatus;
  /** 1-based while waiting, 0 otherwise */
  position: number;
  queueLength: number;
  /** ms since epoch, while admitted */
  admittedUntilMs: number | undefined;
  onSaleMs: number;
  /** admissions per second, moving average (the configured rate until measured) */
  measuredRate: number;
}

export type StandingResult = Rated<
  QueueStanding | EngineFailure<'event_not_found' | 'queue_not_enabled' | 'event_closed' | 'rate_limited'>
>;

export interface QueueSettings {
  ratePerSecond: number;
  capacity: number;
  admissionMs: number;
  abandonMs: number;
  seed: string;
}

export const DEFAULT_QUEUE_SETTINGS: Omit<QueueSettings, 'seed'> = {
  ratePerSecond: 50,
  capacity: 1000,
  admissionMs: 15 * 60_000,
  abandonMs: 2 * 60_000,
};

/** An event's queue rate and capacity: its own where set, else the defaults (the one place they apply). */
export function queueRateAndCapacity(own: { ratePerSecond: number | null; capacity: number | null }) {
  return {
    ratePerSecond: own.ratePerSecond ?? DEFAULT_QUEUE_SETTINGS.ratePerSecond,
    capacity: own.capacity ?? DEFAULT_QUEUE_SETTINGS.capacity,
  };
}

/** Most buyers one admission step admits or expires (bounds the script's run time). */
const MAX_STEP = 1000;

function standing(
  script: 'joinQueue' | 'queuePosition',
  raw: unknown,
  rateLimit: RateLimit | undefined,
): StandingResult {
  const { reply, rate } = readRated(script, raw, rateLimit);
  if ('ok' in reply) return { ...reply, rate };
  const [position, queueLength, admittedUntil, onSaleMs, measuredRate] = reply.rest.map(Number) as number[];
  return {
    ok: true,
    status: reply.status,
    position: position!,
    queueLength: queueLength!,
    admittedUntilMs: admittedUntil ? admittedUntil : undefined,
    onSaleMs: onSaleMs!,
    measuredRate: measuredRate!,
    rate,
  };
}

export async function joinQueue(
  ctx: EngineContext,
  eventId: string,
  userId: string,
  rateLimit?: RateLimit,
): Promise<StandingResult> {
  const k = ctx.keysFor(eventId);
  if (!k) return { ok: false, code: 'event_not_found' };
  const limiter = rateArgs(k, userId, rateLimit);
  return standing(
    'joinQueue',
    await ctx.scripts.run(
      'joinQueue',
      [k.state, k.queueState, k.waiting, k.admitted, k.queueSeen, k.queueJoined, k.queueExpired, limiter.key],
      [userId, ctx.clock.now(), ...limiter.args],
    ),
    rateLimit,
  );
}

export async function queuePosition(
  ctx: EngineContext,
  eventId: string,
  userId: string,
  rateLimit?: RateLimit,
): Promise<StandingResult> {
  const k = ctx.keysFor(eventId);
  if (!k) return { ok: false, code: 'event_not_found' };
  const limiter = rateArgs(k, userId, rateLimit);
  return standing(
    'queuePosition',
    await ctx.scripts.run(
      'queuePosition',
      [k.state, k.queueState, k.waiting, k.admitted, k.queueSeen, k.queueExpired, limiter.key],
      [userId, ctx.clock.now(), ...limiter.args],
    ),
    rateLimit,
  );
}

export interface AdmissionStep {
  admitted: number;
  lapsed: number;
  abandoned: number;
  /** how long each admitted buyer waited in the queue (ms) */
  waitsMs: number[];
}

/** One admission step; undefined when the event has no waiting room. */
export async function admitBuyers(ctx: EngineContext, eventId: string): Promise<AdmissionStep | undefined> {
  const k = ctx.keysFor(eventId);
  if (!k) return undefined;
  const reply = readReply(
    'admitBuyers',
    await ctx.scripts.run(
      'admitBuyers',
      [k.state, k.queueState, k.waiting, k.admitted, k.queueSeen, k.queueJoined, k.queueExpired],
      [ctx.clock.now(), MAX_STEP],
    ),
  );
  if ('ok' in reply || reply.status === 'skipped') return undefined;
  const [admitted, lapsed, abandoned, ...waitsMs] = reply.rest.map(Number) as number[];
  return { admitted: admitted!, lapsed: lapsed!, abandoned: abandoned!, waitsMs };
}

export async function leaveQueue(ctx: EngineContext, eventId: string, userId: string): Promise<boolean> {
  const k = ctx.keysFor(eventId);
  if (!k) return false;
  const reply = readReply(
    'leaveQueue',
    await ctx.scripts.run('leaveQueue', [k.waiting, k.admitted, k.queueSeen, k.queueJoined, k.queueExpired], [userId]),
  );
  return !('ok' in reply) && Number(reply.rest[0]) === 1;
}

export async function configureQueue(
  ctx: EngineContext,
  eventId: string,
  settings: QueueSettings,
): Promise<{ ok: true } | EngineFailure<'event_not_found'>> {
  const k = ctx.keysFor(eventId);
  if (!k) return { ok: false, code: 'event_not_found' };
  const reply = readReply(
    'configureQueue',
    await ctx.scripts.run(
      'configureQueue',
      [k.state, k.queueState],
      [settings.ratePerSecond, settings.capacity, settings.admissionMs, settings.abandonMs, settings.seed],
    ),
  );
  return 'ok' in reply ? reply : { ok: true };
}
