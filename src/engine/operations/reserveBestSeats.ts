import { holdLinesFrom, type EngineContext } from '../context.js';
import { readReply } from '../replies.js';
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
): Promise<ReserveResult> {
  const k = ctx.keysFor(eventId);
  if (!k) return { ok: false, code: 'event_not_found' };
  const { holdTtlMs, maxSeatsPerCall, maxSeatsPerUser, sweepBatch } = ctx.limits;
  const reply = readReply(
    'reserveBestSeats',
    await ctx.scripts.run(
      'reserveBestSeats',
      [k.state, k.seats, k.deadlines, k.admitted],
      [
        k.changes, userId, ctx.clock.now(), holdTtlMs, maxSeatsPerCall, maxSeatsPerUser, quantity, sweepBatch,
        ...areas.map((a) => `${a.firstIndex} ${a.rows} ${a.seatsPerRow}`),
      ],
    ),
  );
  if ('ok' in reply) return reply;
  return { ok: true, version: Number(reply.rest[0]), held: holdLinesFrom(reply.rest.slice(1)) };
}
