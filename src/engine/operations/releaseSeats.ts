import type { EngineContext } from '../context.js';
import type { EngineFailure } from '../errors.js';
import { readReply } from '../replies.js';

export type ReleaseResult =
  | { ok: true; version: number; released: number[] }
  | EngineFailure<'event_not_found' | 'no_seats' | 'too_many_seats' | 'invalid_seat' | 'duplicate_seats'>;

/** Releases those of the seats the user holds now; others' seats and lapsed holds are left alone. */
export async function releaseSeats(
  ctx: EngineContext,
  eventId: string,
  userId: string,
  seats: readonly number[],
): Promise<ReleaseResult> {
  const k = ctx.keysFor(eventId);
  if (!k) return { ok: false, code: 'event_not_found' };
  const reply = readReply(
    'releaseSeats',
    await ctx.scripts.run(
      'releaseSeats',
      [k.state, k.seats, k.deadlines],
      [k.changes, userId, ctx.clock.now(), ctx.limits.maxSeatsPerCall, ...seats],
    ),
  );
  if ('ok' in reply) return reply;
  return { ok: true, version: Number(reply.rest[0]), released: reply.rest.slice(1).map(Number) };
}
