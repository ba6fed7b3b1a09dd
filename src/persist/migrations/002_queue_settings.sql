-- Waiting-room settings per event (high-demand events); NULL means the platform default.
ALTER TABLE events
  ADD COLUMN queue_rate_per_second integer CHECK (queue_rate_per_second > 0),
  ADD COLUMN queue_capacity integer CHECK (queue_capacity > 0);
