import { heldSeatsFrom, type EngineContext, type HeldSeat } from '../context.js';
import type { EngineFailure } from '../errors.js';
import { rateArgs, readRated, type RateLimit, type Rated } from './limitRate.js';

export type HoldResult = Rated<
  | { ok: true; held: HeldSeat[]; boughtOrderId?: undefined }
  /** the idempotency key asked about already bought this order */
  | { ok: true; held: []; boughtOrderId: string }
  | EngineFailure<'event_not_found' | 'rate_limited'>
>;

/**
 * The seats the user holds in the event now (expired ones excluded); with an idempotency
 * key, first the order that key already bought, if any (one round trip for a checkout, its rate limit included).
 * Read-only but for the rate limiter.
 */
export async function getHold(
  ctx: EngineContext,
  eventId: string,
  userId: string,
  idempotencyKey = '',
  rateLimit?: RateLimit,
): Promise<HoldResult> {
  const k = ctx.keysFor(eventId);
  if (!k) return { ok: false, code: 'event_not_found' };
  const limiter = rateArgs(k, userId, rateLimit);
  const { reply, rate } = readRated(
    'getHold',
    await ctx.scripts.run(
      'getHold',
      [k.state, k.prices, k.idempotency, limiter.key],
      [userId, ctx.clock.now(), idempotencyKey, ...limiter.args],
    ),
    rateLimit,
  );
  if ('ok' in reply) return { ...reply, rate };
  if (reply.status === 'bought') return { ok: true, held: [], boughtOrderId: String(reply.rest[0]), rate };
  return { ok: true, held: heldSeatsFrom(reply.rest), rate };
}
