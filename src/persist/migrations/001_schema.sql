-- Users, venues, events with their seats, orders and tickets.
-- The database guards what must never happen, even though the engine prevents it already:
-- a seat has at most one valid ticket (tickets_one_valid_per_seat), statuses are checked,
-- every reference is a foreign key.

CREATE TABLE users (
  id            uuid PRIMARY KEY,
  email         text NOT NULL,
  name          text NOT NULL,
  password_hash text NOT NULL,
  role          text NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE venues (
  id         uuid PRIMARY KEY,
  name       text NOT NULL,
  address    text NOT NULL DEFAULT '',
  city       text NOT NULL,
  -- [{name, rows, seatsPerRow}]: seat index order is section, then row, then number
  sections   jsonb NOT NULL CHECK (jsonb_typeof(sections) = 'array'),
  capacity   integer NOT NULL CHECK (capacity > 0),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE events (
  id            uuid PRIMARY KEY,
  name          text NOT NULL,
  artist        text NOT NULL,
  venue_id      uuid NOT NULL REFERENCES venues (id),
  event_date    timestamptz NOT NULL,
  on_sale_date  timestamptz NOT NULL,
  high_demand   boolean NOT NULL DEFAULT false,
  -- 'scheduled' until an admin cancels; upcoming / on_sale / sold_out / completed derive from dates and counts
  state         text NOT NULL DEFAULT 'scheduled' CHECK (state IN ('scheduled', 'cancelled')),
  prices        jsonb NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_event_date_idx ON events (event_date, id);
CREATE INDEX events_venue_idx ON events (venue_id);

CREATE TABLE seats (
  id          uuid PRIMARY KEY,
  event_id    uuid NOT NULL REFERENCES events (id),
  seat_index  integer NOT NULL CHECK (seat_index >= 0),
  section     text NOT NULL,
  row_label   text NOT NULL,
  number      text NOT NULL,
  price_cents integer NOT NULL CHECK (price_cents >= 0),
  UNIQUE (event_id, seat_index),
  UNIQUE (event_id, section, row_label, number)
);

CREATE TABLE orders (
  id              uuid PRIMARY KEY,
  user_id         uuid NOT NULL REFERENCES users (id),
  event_id        uuid NOT NULL REFERENCES events (id),
  status          text NOT NULL CHECK (status IN ('completed', 'refunded', 'cancelled')),
  total_cents     integer NOT NULL CHECK (total_cents >= 0),
  currency        text NOT NULL DEFAULT 'USD' CHECK (currency = 'USD'),
  idempotency_key text NOT NULL,
  payment_ref     text NOT NULL,
  -- the sales-stream entry this order came from: a replayed entry is a no-op
  stream_id       text NOT NULL,
  created_at      timestamptz NOT NULL,
  refunded_at     timestamptz,
  UNIQUE (user_id, idempotency_key),
  UNIQUE (event_id, stream_id)
);
CREATE INDEX orders_user_idx ON orders (user_id, created_at DESC);
CREATE INDEX orders_event_idx ON orders (event_id);

CREATE TABLE tickets (
  order_id    uuid NOT NULL REFERENCES orders (id),
  event_id    uuid NOT NULL REFERENCES events (id),
  seat_id     uuid NOT NULL REFERENCES seats (id),
  price_cents integer NOT NULL CHECK (price_cents >= 0),
  status      text NOT NULL DEFAULT 'valid' CHECK (status IN ('valid', 'refunded')),
  PRIMARY KEY (order_id, seat_id)
);
-- The last guard against overselling: one valid ticket per seat.
CREATE UNIQUE INDEX tickets_one_valid_per_seat ON tickets (event_id, seat_id) WHERE status = 'valid';
