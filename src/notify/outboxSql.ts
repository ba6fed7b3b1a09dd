/**
 * The SQL that writes outbox entries inside the transactions of the changes they report
 * (the persister's batches, an event's cancellation). Kept here so every writer builds
 * the same documents.
 */

/** An ISO-8601 UTC string as JavaScript's toISOString writes it. */
export const isoTime = (expr: string) => `to_char(${expr} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** One item of an order document, for a row of `tickets t` joined with its `seats s`. */
const ITEM = `jsonb_build_object('seatId', s.id, 'section', s.section, 'row', s.row_label, 'number', s.number, 'priceCents', t.price_cents)`;

/**
 * The order document of the API (`order`), for a row of `orders` under `alias`, with its items
 * given, and its status as stored unless given.
 */
const orderFields = (alias: string, items: string, status = `${alias}.status`) => `jsonb_build_object(
  'id', ${alias}.id, 'userId', ${alias}.user_id, 'eventId', ${alias}.event_id, 'status', ${status},
  'totalCents', ${alias}.total_cents, 'currency', ${alias}.currency, 'createdAt', ${isoTime(`${alias}.created_at`)},
  'items', ${items})`;

/** The order document of the API (`order`), for a row of `orders` under `alias`; its status as stored unless given. */
export const orderDocument = (alias: string, status?: string) =>
  orderFields(
    alias,
    `(SELECT coalesce(jsonb_agg(${ITEM} ORDER BY s.seat_index), '[]'::jsonb)
    FROM tickets t JOIN seats s ON s.id = t.seat_id WHERE t.order_id = ${alias}.id)`,
    status,
  );

/**
 * A CTE step announcing the orders the CTE `new_orders` (rows of orders) has just written,
 * whose tickets the CTE `inserted` (rows of tickets) wrote: one order.completed entry each.
 * The entry carries no payload: the order's document is built when the entry is read
 * (`entryPayload`), so the sale's transaction writes one narrow row per order and builds
 * nothing. A replayed sales entry inserts no order, so it announces nothing again: that is
 * what keeps these entries once per order (no unique index pays for it on every sale).
 */
export const ANNOUNCE_COMPLETED_ORDERS = `
  announced AS (
    INSERT INTO outbox (id, type, subject_id)
    SELECT gen_random_uuid(), 'order.completed', o.id
    FROM new_orders o WHERE o.id IN (SELECT order_id FROM inserted)
    ORDER BY o.created_at, o.id
  )`;

/**
 * An entry's payload as every reader sees it, for a row of `outbox` under `alias`: the one
 * written, or for an order.completed entry written without one the order's document as it
 * was announced (status completed, whatever happened to the order since; its tickets' seats
 * and prices never change).
 */
export const entryPayload = (alias: string) => `coalesce(${alias}.payload, (
    SELECT jsonb_build_object('order', ${orderDocument('ord', "'completed'")})
    FROM orders ord WHERE ord.id = ${alias}.subject_id AND ${alias}.type = 'order.completed'))`;

/**
 * A CTE step announcing the orders of the CTE `refunded` (rows of orders, status already
 * refunded); the reason is the parameter given.
 */
export const announceRefunded = (reasonParam: string) => `
  INSERT INTO outbox (id, type, subject_id, payload)
  SELECT gen_random_uuid(), 'order.refunded', r.id, jsonb_build_object('order', ${orderDocument('r')}, 'reason', ${reasonParam}::text)
  FROM refunded r
  ON CONFLICT DO NOTHING`;

/** $1: event id. Marks it cancelled and announces it, once: a second call changes nothing. */
export const CANCEL_AND_ANNOUNCE_EVENT = `
  WITH cancelled AS (
    UPDATE events SET state = 'cancelled', updated_at = now() WHERE id = $1 AND state <> 'cancelled'
    RETURNING id, name, artist, event_date
  )
  INSERT INTO outbox (id, type, subject_id, payload)
  SELECT gen_random_uuid(), 'event.cancelled', c.id, jsonb_build_object('event', jsonb_build_object(
    'id', c.id, 'name', c.name, 'artist', c.artist, 'eventDate', ${isoTime('c.event_date')}))
  FROM cancelled c
  ON CONFLICT DO NOTHING`;
