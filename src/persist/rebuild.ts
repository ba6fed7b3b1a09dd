import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { DEFAULT_QUEUE_SETTINGS, queueRateAndCapacity } from '../engine/operations/queueScripts.js';
import type { Engine } from '../engine/engine.js';
import { backlogTotal } from '../engine/salesBacklog.js';
import { completedOrders } from './repositories/soldSeats.js';

export type RebuildResult =
  | { ok: true; created: boolean; seats: number; sold: number }
  | { ok: false; code: 'event_not_found' | 'stream_not_drained' | 'layout_mismatch' | 'bad_layout' };

interface EventRow {
  on_sale_date: Date;
  /** the chosen sales end, else the event date */
  sales_end: Date;
  high_demand: boolean;
  state: 'scheduled' | 'cancelled';
  queue_rate_per_second: number | null;
  queue_capacity: number | null;
}

/**
 * Recreates an event's actor in Redis from Postgres: every seat with its price, every seat
 * of a completed order sold, cancelled events closed. With `replace`, a live actor is
 * dropped first, but only once its sales stream is fully persisted, and only if no sale or
 * refund was appended while Postgres was read (lua/dropActor-7.lua): nothing may be lost.
 * Otherwise the actor is kept and the answer is `stream_not_drained` (retry).
 * The waiting room's settings follow the event's; its random seed is set only once.
 */
export async function rebuildActor(
  deps: { engine: Engine; pool: Pool },
  eventId: string,
  options: { replace?: boolean } = {},
): Promise<RebuildResult> {
  const { engine, pool } = deps;
  const keys = engine.keys(eventId);
  const event = keys
    ? (
        await pool.query<EventRow>(
          `SELECT on_sale_date, high_demand, state, queue_rate_per_second, queue_capacity,
         coalesce(sales_end_date, event_date) AS sales_end FROM events WHERE id = $1`,
          [eventId],
        )
      ).rows[0]
    : undefined;
  if (!keys || !event) return { ok: false, code: 'event_not_found' };
  // The fence of a replace, read before Postgres: every sale or refund appended up to this
  // id must be persisted (no backlog), and none may be appended after it until the drop.
  const salesHead = options.replace ? await engine.salesHead(eventId) : undefined;
  if (options.replace && backlogTotal(await engine.salesBacklog(eventId)) > 0) {
    return { ok: false, code: 'stream_not_drained' };
  }
  const [seats, orders] = await Promise.all([
    pool.query<{ price_cents: number }>('SELECT price_cents FROM seats WHERE event_id = $1 ORDER BY seat_index', [
      eventId,
    ]),
    completedOrders(pool, eventId),
  ]);
  let versionAfter: number | undefined;
  if (salesHead !== undefined) {
    const dropped = await engine.dropActor(eventId, salesHead);
    if (!dropped.ok) return { ok: false, code: 'stream_not_drained' };
    versionAfter = dropped.version;
  }
  const result = await engine.loadEvent({
    eventId,
    versionAfter,
    seatPricesCents: seats.rows.map((r) => r.price_cents),
    onSaleMs: event.on_sale_date.getTime(),
    salesEndMs: event.sales_end.getTime(),
    highDemand: event.high_demand,
    closed: event.state === 'cancelled',
    orders,
  });
  if (!result.ok) return { ok: false, code: result.code === 'event_not_found' ? 'event_not_found' : result.code };
  await engine.configureQueue(eventId, {
    ...DEFAULT_QUEUE_SETTINGS,
    ...queueRateAndCapacity({ ratePerSecond: event.queue_rate_per_second, capacity: event.queue_capacity }),
    seed: randomBytes(16).toString('hex'),
  });
  const sold = orders.reduce((n, o) => n + o.seats.length, 0);
  return { ok: true, created: result.created, seats: seats.rows.length, sold };
}
