import type { Pool } from 'pg';
import type { Engine } from '../engine/engine.js';
import { markCancelled } from '../persist/repositories/events.js';
import type { Catalog } from './catalog.js';
import type { DurableWaiter } from './durableWaiter.js';
import { completedOrderIds, refundInEngine } from './refunds.js';

export type CancelResult =
  { ok: true; refundedOrderIds: string[]; durable: boolean } | { ok: false; code: 'event_not_found' };

/**
 * Cancels an event: the actor is closed first (no further holds or sales, so the set of
 * orders is final), then the event is marked cancelled in Postgres and every completed
 * order is refunded through the engine, which the persister records. Running it again
 * finishes whatever a crash interrupted.
 */
export async function cancelEvent(
  deps: { engine: Engine; pool: Pool; catalog: Catalog; durable: DurableWaiter },
  eventId: string,
  durableTimeoutMs: number,
): Promise<CancelResult> {
  const { engine } = deps;
  let closed = await engine.closeEvent(eventId);
  if (!closed.ok) {
    await deps.catalog.ensureActor(eventId);
    closed = await engine.closeEvent(eventId);
    if (!closed.ok) return closed;
  }
  await markCancelled(deps.pool, eventId);
  await deps.catalog.invalidate(eventId);
  const refundedOrderIds: string[] = [];
  for (const orderId of await completedOrderIds(deps, eventId)) {
    const refund = await refundInEngine(deps, eventId, orderId, 'event_cancelled');
    if (refund.ok) refundedOrderIds.push(orderId);
  }
  // A retry also waits for refunds an interrupted first run made.
  const refunded = (await engine.orders(eventId)).filter((o) => o.status === 'refunded');
  const waits = await Promise.all(refunded.map((o) => deps.durable.wait(o.orderId, durableTimeoutMs, 'refunded')));
  return { ok: true, refundedOrderIds, durable: waits.every(Boolean) };
}
