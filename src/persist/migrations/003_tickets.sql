-- Tickets after the sale. Each ticket gets its own id, a holder (the buyer until a
-- transfer), a version that every transfer bumps (a code carries the version it was issued
-- for, so a transfer voids every earlier code), and its check-in: when, by whom, at which
-- gate. Scanners are accounts with the role 'scanner': they check tickets in and nothing else.

ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('user', 'admin', 'scanner'));

ALTER TABLE tickets
  ADD COLUMN id uuid NOT NULL DEFAULT gen_random_uuid(),
  ADD COLUMN holder_id uuid REFERENCES users (id),
  ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  ADD COLUMN checked_in_at timestamptz,
  -- NULL for a check-in made by an operator with ticketctl
  ADD COLUMN checked_in_by uuid REFERENCES users (id),
  ADD COLUMN checked_in_gate text;
UPDATE tickets t SET holder_id = o.user_id FROM orders o WHERE o.id = t.order_id;
ALTER TABLE tickets ALTER COLUMN holder_id SET NOT NULL;
ALTER TABLE tickets ADD CONSTRAINT tickets_id_key UNIQUE (id);
CREATE INDEX tickets_holder_idx ON tickets (holder_id);

-- A refund keeps the check-in's record (checked_in_at) of a ticket used before it.
ALTER TABLE tickets DROP CONSTRAINT tickets_status_check;
ALTER TABLE tickets ADD CONSTRAINT tickets_status_check CHECK (status IN ('valid', 'checked_in', 'refunded'));
ALTER TABLE tickets ADD CONSTRAINT tickets_checked_in_when CHECK (status <> 'checked_in' OR checked_in_at IS NOT NULL);

-- The last guard against overselling now counts checked-in tickets too: one live ticket per seat.
DROP INDEX tickets_one_valid_per_seat;
CREATE UNIQUE INDEX tickets_one_valid_per_seat ON tickets (event_id, seat_id) WHERE status <> 'refunded';

-- Every transfer, for both accounts' history and for operators.
CREATE TABLE ticket_transfers (
  id             uuid PRIMARY KEY,
  ticket_id      uuid NOT NULL REFERENCES tickets (id),
  from_user_id   uuid NOT NULL REFERENCES users (id),
  to_user_id     uuid NOT NULL REFERENCES users (id),
  -- the ticket's version after the transfer: codes of earlier versions are void
  version        integer NOT NULL,
  transferred_at timestamptz NOT NULL,
  CHECK (from_user_id <> to_user_id)
);
CREATE INDEX ticket_transfers_ticket_idx ON ticket_transfers (ticket_id, transferred_at);
CREATE INDEX ticket_transfers_from_idx ON ticket_transfers (from_user_id, transferred_at DESC);
CREATE INDEX ticket_transfers_to_idx ON ticket_transfers (to_user_id, transferred_at DESC);
