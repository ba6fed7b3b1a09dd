-- Notifications: what happened is written to the outbox in the same transaction as the
-- change itself; a relay publishes it (to RabbitMQ, or to in-process consumers) and marks
-- it published only once it is safely handed over. Webhook subscriptions and their
-- deliveries (one row per webhook and outbox entry: the delivery log) live here too.

CREATE TABLE outbox (
  id           uuid PRIMARY KEY,
  type         text NOT NULL CHECK (type IN ('order.completed', 'order.refunded', 'event.cancelled',
                                             'ticket.transferred', 'ticket.checked_in')),
  -- the order, event or ticket the entry is about
  subject_id   uuid NOT NULL,
  payload      jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
  published_at timestamptz
);
-- The relay's work list: only what is not yet published, oldest first.
CREATE INDEX outbox_unpublished_idx ON outbox (created_at, id) WHERE published_at IS NULL;
-- An order completes once and is refunded once: a replayed sales entry announces nothing new.
CREATE UNIQUE INDEX outbox_once_per_order ON outbox (type, subject_id)
  WHERE type IN ('order.completed', 'order.refunded', 'event.cancelled');

-- Consumers are idempotent by the entry's id: a redelivered entry is seen here and skipped.
CREATE TABLE outbox_consumed (
  consumer    text NOT NULL,
  entry_id    uuid NOT NULL REFERENCES outbox (id),
  consumed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, entry_id)
);

CREATE TABLE webhooks (
  id         uuid PRIMARY KEY,
  url        text NOT NULL,
  events     text[] NOT NULL CHECK (cardinality(events) > 0),
  -- whsec_<base64>: the signing key; shown to the admin once, kept to sign every delivery
  secret     text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz
);

CREATE TABLE webhook_deliveries (
  id               uuid PRIMARY KEY,
  webhook_id       uuid NOT NULL REFERENCES webhooks (id),
  entry_id         uuid NOT NULL REFERENCES outbox (id),
  type             text NOT NULL,
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed')),
  attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_status_code integer,
  last_error       text,
  next_attempt_at  timestamptz,
  -- retries stop after this (24 h after the entry was first handed to the webhook)
  give_up_at       timestamptz NOT NULL,
  created_at       timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL,
  UNIQUE (webhook_id, entry_id)
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_log_idx ON webhook_deliveries (webhook_id, created_at DESC);

-- Relays LISTEN on 'outbox': a commit that added entries wakes them at once (no polling lag).
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('outbox', '');
  RETURN NULL;
END $$;
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();
