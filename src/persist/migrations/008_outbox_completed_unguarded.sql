-- An order is announced completed by the statement that inserts it (ANNOUNCE_COMPLETED_ORDERS in
-- src/notify/outboxSql.ts), and a replayed sale inserts no order: the orders' primary key already
-- makes that entry once per order. The unique index keeps guarding the entries written for an
-- existing row (a refund, a cancellation), and no longer costs every sale an index entry.
DROP INDEX outbox_once_per_order;
CREATE UNIQUE INDEX outbox_once_per_subject ON outbox (type, subject_id)
  WHERE type IN ('order.refunded', 'event.cancelled');
