import { seatLinesFrom, type EngineContext, type SeatLine } from '../context.js';
import type { EngineFailure } from '../errors.js';
import { readReply } from '../replies.js';

export interface SaleRequest {
  eventId: string;
  userId: string;
  orderId: string;
  idempotencyKey: string;
  paymentRef: string;
  /** exactly the seats the user holds and paid for */
  seats: readonly number[];
}

export type ConfirmResult =
  | {
      ok: true;
      replay: false;
      orderId: string;
      streamId: string;
      version: number;
      seats: SeatLine[];
      /** the sale's time, as recorded */ atMs: number;
    }
  | { ok: true; replay: true; orderId: string; streamId: string }
  | EngineFailure<
      | 'event_not_found'
      | 'event_closed'
      | 'not_on_sale'
      | 'sales_ended'
      | 'actor_outdated'
      | 'no_active_hold'
      | 'hold_changed'
    >;

/**
 * Sells the user's held seats and appends the sale to the event's sales stream, atomically;
 * in a high-demand event the buyer leaves the waiting room in the same step.
 */
export async function confirmSale(ctx: EngineContext, sale: SaleRequest): Promise<ConfirmResult> {
  const k = ctx.keysFor(sale.eventId);
  if (!k) return { ok: false, code: 'event_not_found' };
  const atMs = ctx.clock.now();
  const reply = readReply(
    'confirmSale',
    await ctx.scripts.run(
      'confirmSale',
      [
        k.state,
        k.seats,
        k.deadlines,
        k.prices,
        k.sales,
        k.idempotency,
        k.orders,
        k.waiting,
        k.admitted,
        k.queueSeen,
        k.queueJoined,
        k.queueExpired,
      ],
      [
        k.changes,
        ctx.global.salesChannel,
        sale.userId,
        sale.orderId,
        sale.idempotencyKey,
        atMs,
        sale.paymentRef,
        ...sale.seats,
      ],
    ),
  );
  if ('ok' in reply) return reply;
  const [first, second] = reply.rest;
  if (reply.status === 'replay') {
    return { ok: true, replay: true, orderId: String(first), streamId: String(second) };
  }
  return {
    ok: true,
    replay: false,
    orderId: sale.orderId,
    streamId: String(first),
    version: Number(second),
    seats: seatLinesFrom(reply.rest.slice(2)),
    atMs,
  };
}
