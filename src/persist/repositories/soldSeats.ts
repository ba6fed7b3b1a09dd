import type { Pool } from '../db.js';

/**
 * What Postgres holds as sold: a seat is sold while it has a ticket that is not refunded
 * (valid, or used at the door). The one place that says so in SQL.
 */
const SOLD = `t.status <> 'refunded'`;

export async function soldSeatCount(pool: Pool, eventId: string): Promise<number> {
  const { rows } = await pool.query<{ sold: number }>(
    `SELECT count(*)::int AS sold FROM tickets t WHERE ${SOLD} AND t.event_id = $1`,
    [eventId],
  );
  return rows[0]!.sold;
}

/** Sold seats per event, for every event with any. */
export async function soldSeatCounts(pool: Pool): Promise<Map<string, number>> {
  const { rows } = await pool.query<{ event_id: string; sold: number }>(
    `SELECT t.event_id, count(*)::int AS sold FROM tickets t WHERE ${SOLD} GROUP BY t.event_id`,
  );
  return new Map(rows.map((r) => [r.event_id, r.sold]));
}

/** The engine indices of the event's sold seats, ascending. */
export async function soldSeatIndices(pool: Pool, eventId: string): Promise<number[]> {
  const { rows } = await pool.query<{ seat_index: number }>(
    `SELECT s.seat_index FROM tickets t JOIN seats s ON s.id = t.seat_id
     WHERE ${SOLD} AND t.event_id = $1 ORDER BY s.seat_index`,
    [eventId],
  );
  return rows.map((r) => r.seat_index);
}

export interface CompletedOrder {
  orderId: string;
  userId: string;
  /** engine indices of its sold seats, ascending */
  seats: number[];
}

/** Completed orders with their sold seats, as the actor records them: every one of the event's, or one order. */
export async function completedOrders(pool: Pool, eventId: string, orderId?: string): Promise<CompletedOrder[]> {
  const { rows } = await pool.query<{ id: string; user_id: string; seats: number[] }>(
    `SELECT o.id, o.user_id, array_agg(s.seat_index ORDER BY s.seat_index) AS seats
     FROM orders o
     JOIN tickets t ON t.order_id = o.id AND ${SOLD}
     JOIN seats s ON s.id = t.seat_id
     WHERE o.event_id = $1 AND o.status = 'completed' AND ($2::uuid IS NULL OR o.id = $2)
     GROUP BY o.id, o.user_id`,
    [eventId, orderId ?? null],
  );
  return rows.map((r) => ({ orderId: r.id, userId: r.user_id, seats: r.seats }));
}
