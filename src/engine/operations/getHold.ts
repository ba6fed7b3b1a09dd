import { heldSeatsFrom, type EngineContext, type HeldSeat } from '../context.js';
import type { EngineFailure } from '../errors.js';
import { readReply } from '../replies.js';

export type HoldResult =
  | { ok: true; held: HeldSeat[]; boughtOrderId?: undefined }
  /** the idempotency key asked about already bought this order */
  | { ok: true; held: []; boughtOrderId: string }
  | EngineFailure<'event_not_found'>;

/**
 * The seats the user holds in the event now (expired ones excluded); with an idempotency
 * key, first the order that key already bought, if any (one round trip for a checkout). Read-only.
 */
export async function getHold(ctx: EngineContext, eventId: string, userId: string, idempotencyKey = ''): Promise<HoldResult> {
  const k = ctx.keysFor(eventId);
  if (!k) return { ok: false, code: 'event_not_found' };
  const reply = readReply(
    'getHold',
    await ctx.scripts.run('getHold', [k.state, k.prices, k.idempotency], [userId, ctx.clock.now(), idempotencyKey]),
  );
  if ('ok' in reply) return reply;
  if (reply.status === 'bought') return { ok: true, held: [], boughtOrderId: String(reply.rest[0]) };
  return { ok: true, held: heldSeatsFrom(reply.rest) };
}
