import { holdLinesFrom, type EngineContext } from '../context.js';
import { rateArgs, readRated, type RateLimit } from './limitRate.js';
import type { ReserveResult } from './reserveSeats.js';

/** A block of seats in engine index order: `rows` rows of `seatsPerRow` seats from `firstIndex`. */
export interface SeatBlockArea {
  firstIndex: number;
  rows: number;
  seatsPerRow: number;
}

/**
 * Chooses and holds the best block of `quantity` adjacent seats in one row, searching the
 * areas in the order given (best first), in one script. Returns every seat the user now holds.
 */
export async function reserveBestSeats(
  ctx: EngineContext,
  eventId: string,
  userId: string,
  quantity: number,
  areas: readonly SeatBlockArea[],
  rateLimit?: RateLimit,
): Promise<ReserveResult> {
  const k = ctx.keysFor(eventId);
  if (!k) return { ok: false, code: 'event_not_found' };
  const { holdTtlMs, maxSeatsPerCall, maxSeatsPerUser, sweepBatch } = ctx.limits;
  const limiter = rateArgs(k, userId, rateLimit);
  const { reply, rate } = readRated(
    'reserveBestSeats',
    await ctx.scripts.run(
      'reserveBestSeats',
      [k.state, k.seats, k.deadlines, k.admitted, limiter.key],
      [
        k.changes,
        userId,
        ctx.clock.now(),
        holdTtlMs,
        maxSeatsPerCall,
        maxSeatsPerUser,
        quantity,
        sweepBatch,
        ...limiter.args,
        ...areas.map((a) => `${a.firstIndex} ${a.rows} ${a.seatsPerRow}`),
      ],
    ),
    rateLimit,
  );
  if ('ok' in reply) return { ...reply, rate };
  return { ok: true, version: Number(reply.rest[0]), held: holdLinesFrom(reply.rest.slice(1)), rate };
}
