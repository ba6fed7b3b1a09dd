import { holdLinesFrom, type EngineContext, type HoldLine } from '../context.js';
import type { EngineFailure } from '../errors.js';
import { readReply } from '../replies.js';

export type ReserveResult =
  | { ok: true; version: number; held: HoldLine[] }
  | EngineFailure<
      | 'event_not_found' | 'event_closed' | 'not_on_sale' | 'sales_ended' | 'actor_outdated' | 'admission_required' | 'no_seats'
      | 'too_many_seats' | 'invalid_seat' | 'duplicate_seats' | 'seats_unavailable' | 'hold_limit_exceeded'
      /** best available only: a block argument that does not fit the event */
      | 'bad_layout'
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
): Promise<ReserveResult> {
  const k = ctx.keysFor(eventId);
  if (!k) return { ok: false, code: 'event_not_found' };
  const { holdTtlMs, maxSeatsPerCall, maxSeatsPerUser } = ctx.limits;
  const reply = readReply(
    'reserveSeats',
    await ctx.scripts.run(
      'reserveSeats',
      [k.state, k.seats, k.deadlines, k.admitted],
      [k.changes, userId, ctx.clock.now(), holdTtlMs, maxSeatsPerCall, maxSeatsPerUser, ...seats],
    ),
  );
  if ('ok' in reply) return reply;
  return { ok: true, version: Number(reply.rest[0]), held: holdLinesFrom(reply.rest.slice(1)) };
}
