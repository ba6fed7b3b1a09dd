import type { EngineContext } from '../context.js';
import type { EngineFailure } from '../errors.js';
import { readReply } from '../replies.js';

export type RefundReason = 'requested' | 'event_cancelled';

/** A completed order as Postgres records it: for a refund after the actor's record of it was trimmed. */
export interface RecordedOrder {
  userId: string;
  seats: number[];
}

export type RefundResult =
  | { ok: true; streamId: string; version: number; seats: number[] }
  | EngineFailure<'event_not_found' | 'order_not_found' | 'order_not_refundable'>;

/**
 * Puts a completed order's seats back on sale and appends the refund to the sales stream.
 * `recorded` (from Postgres) stands in for the actor's record of the order once that record
 * was trimmed with its sale's entry (src/engine/operations/trimSales.ts).
 */
export async function refundOrder(
  ctx: EngineContext,
  eventId: string,
  orderId: string,
  reason: RefundReason,
  recorded?: RecordedOrder,
): Promise<RefundResult> {
  const k = ctx.keysFor(eventId);
  if (!k) return { ok: false, code: 'event_not_found' };
  const reply = readReply(
    'refundOrder',
    await ctx.scripts.run(
      'refundOrder',
      [k.state, k.seats, k.orders, k.sales],
      [
        k.changes,
        ctx.global.salesChannel,
        orderId,
        ctx.clock.now(),
        reason,
        recorded ? `${recorded.userId} ${recorded.seats.join(',')}` : '',
      ],
    ),
  );
  if ('ok' in reply) return reply;
  const [streamId, version, ...seats] = reply.rest;
  return { ok: true, streamId: String(streamId), version: Number(version), seats: seats.map(Number) };
}
