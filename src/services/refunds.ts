import type { Pool } from 'pg';
import type { Engine } from '../engine/engine.js';
import type { RefundReason, RefundResult } from '../engine/operations/refundOrder.js';
import { completedOrders } from '../persist/repositories/soldSeats.js';

/**
 * Refunds an order through its event's actor. The actor keeps an order's record only for a
 * while after the sale is persisted (src/engine/operations/trimSales.ts); an order it no
 * longer knows is refunded as Postgres records it (a completed order and its sold seats).
 */
export async function refundInEngine(
  deps: { engine: Engine; pool: Pool },
  eventId: string,
  orderId: string,
  reason: RefundReason,
): Promise<RefundResult> {
  const result = await deps.engine.refundOrder(eventId, orderId, reason);
  if (result.ok || result.code !== 'order_not_found') return result;
  const [recorded] = await completedOrders(deps.pool, eventId, orderId);
  return recorded ? deps.engine.refundOrder(eventId, orderId, reason, recorded) : result;
}

/**
 * The event's completed orders: those the actor knows (including sales not yet persisted)
 * and those only Postgres still records (the actor's records were trimmed).
 */
export async function completedOrderIds(deps: { engine: Engine; pool: Pool }, eventId: string): Promise<string[]> {
  const inActor = await deps.engine.orders(eventId);
  const known = new Set(inActor.map((o) => o.orderId));
  const onlyRecorded = (await completedOrders(deps.pool, eventId)).filter((o) => !known.has(o.orderId));
  return [
    ...inActor.filter((o) => o.status === 'completed').map((o) => o.orderId),
    ...onlyRecorded.map((o) => o.orderId),
  ];
}
