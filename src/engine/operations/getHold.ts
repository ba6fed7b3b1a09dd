import { heldSeatsFrom, type EngineContext, type HeldSeat } from '../context.js';
import { readReply, type EngineFailure } from '../errors.js';

export type HoldResult = { ok: true; held: HeldSeat[] } | EngineFailure<'event_not_found'>;

/** The seats the user holds in the event now (expired ones excluded). Read-only. */
export async function getHold(ctx: EngineContext, eventId: string, userId: string): Promise<HoldResult> {
  const k = ctx.keysFor(eventId);
  if (!k) return { ok: false, code: 'event_not_found' };
  const reply = readReply(
    'getHold',
    await ctx.scripts.run('getHold', [k.state, k.prices], [userId, ctx.clock.now()]),
  );
  if ('ok' in reply) return reply as HoldResult;
  return { ok: true, held: heldSeatsFrom(reply.rest) };
}
