import { holdLinesFrom, type EngineContext, type HoldLine } from '../context.js';
import type { EngineFailure } from '../errors.js';
import { rateArgs, readRated, type RateLimit, type Rated } from './limitRate.js';

export type ReserveResult = Rated<
  | { ok: true; version: number; held: HoldLine[] }
  | EngineFailure<
      | 'event_not_found'
      | 'event_closed'
      | 'not_on_sale'
      | 'sales_ended'
      | 'actor_outdated'
      | 'admission_required'
      | 'no_seats'
      | 'too_many_seats'
      | 'invalid_seat'
      | 'duplicate_seats'
      | 'seats_unavailable'
      | 'hold_limit_exceeded'
      /** best available only: a block argument that does not fit the event */
      | 'bad_layout'
      | 'rate_limited'
    >
>;

/**
 * Holds the seats for the user, all or nothing; returns every seat the user now holds with
 * its deadline (prices come from the layout, which callers cache).
 */
export async function reserveSeats(
  ctx: EngineContext,
  eventId: string,
  userId: string,
  seats: readonly number[],
  rateLimit?: RateLimit,
): Promise<ReserveResult> {
  const k = ctx.keysFor(eventId);
  if (!k) return { ok: false, code: 'event_not_found' };
  const { holdTtlMs, maxSeatsPerCall, maxSeatsPerUser } = ctx.limits;
  const limiter = rateArgs(k, userId, rateLimit);
  const { reply, rate } = readRated(
    'reserveSeats',
    await ctx.scripts.run(
      'reserveSeats',
      [k.state, k.seats, k.deadlines, k.admitted, limiter.key],
      [k.changes, userId, ctx.clock.now(), holdTtlMs, maxSeatsPerCall, maxSeatsPerUser, ...limiter.args, ...seats],
    ),
    rateLimit,
  );
  if ('ok' in reply) return { ...reply, rate };
  return { ok: true, version: Number(reply.rest[0]), held: holdLinesFrom(reply.rest.slice(1)), rate };
}
