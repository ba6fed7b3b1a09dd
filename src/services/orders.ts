import type { Pool } from 'pg';

export interface OrderView {
  id: string;
  userId: string;
  eventId: string;
  status: 'completed' | 'refunded' | 'cancelled';
  totalCents: number;
  currency: 'USD';
  createdAt: string;
  items: { seatId: string; section: string; row: string; number: string; priceCents: number }[];
}

/** An order with its items: add a WHERE on `o` and GROUP BY o.id. */
export const ORDER_SELECT = `
  SELECT o.id, o.user_id, o.event_id, o.status, o.total_cents, o.currency, o.created_at,
    coalesce(json_agg(json_build_object('seatId', s.id, 'section', s.section, 'row', s.row_label,
      'number', s.number, 'priceCents', t.price_cents) ORDER BY s.seat_index) FILTER (WHERE s.id IS NOT NULL), '[]') AS items
  FROM orders o
  LEFT JOIN tickets t ON t.order_id = o.id
  LEFT JOIN seats s ON s.id = t.seat_id`;

export interface OrderRow {
  id: string;
  user_id: string;
  event_id: string;
  status: OrderView['status'];
  total_cents: number;
  currency: 'USD';
  created_at: Date;
  items: OrderView['items'];
}

export const toView = (r: OrderRow): OrderView => ({
  id: r.id,
  userId: r.user_id,
  eventId: r.event_id,
  status: r.status,
  totalCents: r.total_cents,
  currency: r.currency,
  createdAt: r.created_at.toISOString(),
  items: r.items,
});

/**
 * The view of an order just sold, from what the sale recorded: the same document the
 * persister writes (created_at is the sale's time), without reading it back.
 */
export function soldOrderView(
  sale: {
    orderId: string;
    userId: string;
    eventId: string;
    atMs: number;
    seats: { index: number; priceCents: number }[];
  },
  seatOf: (index: number) => { id: string; section: string; row: string; number: string },
): OrderView {
  const seats = [...sale.seats].sort((a, b) => a.index - b.index);
  return {
    id: sale.orderId,
    userId: sale.userId,
    eventId: sale.eventId,
    status: 'completed',
    totalCents: seats.reduce((sum, s) => sum + s.priceCents, 0),
    currency: 'USD',
    createdAt: new Date(sale.atMs).toISOString(),
    items: seats.map((s) => {
      const seat = seatOf(s.index);
      return { seatId: seat.id, section: seat.section, row: seat.row, number: seat.number, priceCents: s.priceCents };
    }),
  };
}

export async function findOrder(pool: Pool, orderId: string): Promise<OrderView | undefined> {
  const { rows } = await pool.query<OrderRow>(`${ORDER_SELECT} WHERE o.id = $1 GROUP BY o.id`, [orderId]);
  return rows[0] && toView(rows[0]);
}

export async function listOrders(pool: Pool, userId: string): Promise<OrderView[]> {
  const { rows } = await pool.query<OrderRow>(
    `${ORDER_SELECT} WHERE o.user_id = $1 GROUP BY o.id ORDER BY o.created_at DESC, o.id`,
    [userId],
  );
  return rows.map(toView);
}
