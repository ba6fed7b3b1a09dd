-- The tickets of an order, by order: every order document (the API's order answers, the
-- outbox's order.completed and order.refunded written in the persister's batch) and the
-- refund and reconciliation queries join tickets on order_id. Without this index each of
-- them scanned the whole tickets table, so the persister slowed as sales grew.
CREATE INDEX tickets_order_idx ON tickets (order_id);
