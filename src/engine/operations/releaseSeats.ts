import type { EngineContext } from '../context.js';
import type { EngineFailure } from '../errors.js';
import { rateArgs, readRated, type RateLimit, type Rated } from './limitRate.js';

export type ReleaseResult = Rated<
  | { ok: true; version: number; released: number[] }
  | EngineFailure<
      'event_not_found' | 'no_seats' | 'too_many_seats' | 'invalid_seat' | 'duplicate_seats' | 'rate_limited'
    >
>;

/** Releases those of the seats the user holds now; others' seats and lapsed holds are left alone. */
export async function releaseSeats(
  ctx: EngineContext,
  eventId: string,
  userId: string,
  seats: readonly number[],
  rateLimit?: RateLimit,
): Promise<ReleaseResult> {
  const k = ctx.keysFor(eventId);
  if (!k) return { ok: false, code: 'event_not_found' };
  const limiter = rateArgs(k, userId, rateLimit);
  const { reply, rate } = readRated(
    'releaseSeats',
    await ctx.scripts.run(
      'releaseSeats',
      [k.state, k.seats, k.deadlines, limiter.key],
      [k.changes, userId, ctx.clock.now(), ctx.limits.maxSeatsPerCall, ...limiter.args, ...seats],
    ),
    rateLimit,
  );
  if ('ok' in reply) return { ...reply, rate };
  return { ok: true, version: Number(reply.rest[0]), released: reply.rest.slice(1).map(Number), rate };
}
