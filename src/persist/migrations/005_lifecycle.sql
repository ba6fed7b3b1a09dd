-- Event lifecycle and admin search.

-- A chosen end of sales; NULL means "when the event starts" (event_date), so moving the
-- event moves the default end with it.
ALTER TABLE events ADD COLUMN sales_end_date timestamptz;
ALTER TABLE events ADD CONSTRAINT events_sales_end_in_window
  CHECK (sales_end_date IS NULL OR (sales_end_date >= on_sale_date AND sales_end_date <= event_date));

-- Seat counts for the status filters of the event search. The time-derived statuses
-- (upcoming, on_sale, completed) are compared with the clock in the query: stored, they
-- would need a job flipping them at the right moment. sold_out depends on counts only, so
-- the persister keeps seats_sold in step in the same transaction that writes the tickets
-- and refunds; a filter is then a plain predicate applied before the LIMIT of a page.
-- Derived data, so deliberately without CHECKs: a drifted counter must never make the
-- database refuse a real sale (docs/lifecycle.md shows the recount).
ALTER TABLE events
  ADD COLUMN seats_total integer NOT NULL DEFAULT 0,
  ADD COLUMN seats_sold integer NOT NULL DEFAULT 0;
UPDATE events e SET
  seats_total = (SELECT count(*) FROM seats s WHERE s.event_id = e.id),
  seats_sold = (SELECT count(*) FROM tickets t WHERE t.event_id = e.id AND t.status <> 'refunded');

-- The admin order search pages newest first by (created_at, id): one index per way in,
-- each ending in the sort order, so every filter is an index range read in order and a
-- page stops after `limit` rows however many orders match.
CREATE INDEX orders_created_idx ON orders (created_at DESC, id DESC);
DROP INDEX orders_user_idx;
CREATE INDEX orders_user_idx ON orders (user_id, created_at DESC, id DESC);
DROP INDEX orders_event_idx;
CREATE INDEX orders_event_idx ON orders (event_id, created_at DESC, id DESC);
-- Refunded and cancelled orders are few: a small partial index finds them without reading
-- past every completed one. Completed orders are most orders: the created_at index serves.
CREATE INDEX orders_not_completed_idx ON orders (status, created_at DESC, id DESC) WHERE status <> 'completed';
