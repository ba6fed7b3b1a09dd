import type { Pool } from 'pg';
import type { Engine } from '../engine/engine.js';
import { backlogTotal } from '../engine/salesBacklog.js';
import type { Catalog } from './catalog.js';

export interface EventStats {
  eventId: string;
  counts: { total: number; available: number; held: number; sold: number };
  /** completed orders and their revenue, from the durable record */
  revenueCents: number;
  orders: number;
  /** sales and refunds not yet in Postgres */
  persisterBacklog: number;
  queue: { waiting: number; admitted: number };
}

/** Live counts from the actor, money from Postgres, and what lies between them. */
export async function eventStats(
  deps: { engine: Engine; pool: Pool; catalog: Catalog },
  eventId: string,
): Promise<EventStats> {
  const [counts, money, backlog, queue] = await Promise.all([
    deps.catalog.counts(eventId),
    deps.pool.query<{ orders: number; revenue: string | null }>(
      `SELECT count(*)::int AS orders, sum(total_cents) AS revenue FROM orders WHERE event_id = $1 AND status = 'completed'`,
      [eventId],
    ),
    deps.engine.salesBacklog(eventId),
    deps.engine.queueCounts(eventId),
  ]);
  const row = money.rows[0]!;
  return {
    eventId,
    counts,
    revenueCents: Number(row.revenue ?? 0),
    orders: row.orders,
    persisterBacklog: backlogTotal(backlog),
    queue,
  };
}
