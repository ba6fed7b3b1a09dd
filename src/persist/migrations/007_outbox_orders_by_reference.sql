-- The persister's order.completed entries name their order and carry no payload: the order's
-- document is built when an entry is read (entryPayload in src/notify/outboxSql.ts), so the
-- sale's transaction writes one narrow row per order instead of building each document.
-- Every other entry keeps the payload it was written with.
ALTER TABLE outbox ALTER COLUMN payload DROP NOT NULL;
ALTER TABLE outbox ADD CONSTRAINT outbox_payload_written CHECK (payload IS NOT NULL OR type = 'order.completed');
