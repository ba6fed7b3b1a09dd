import type { Pool } from 'pg';
import type { SeatSpec } from '../../domain/layout.js';

export interface EventRow {
  id: string;
  name: string;
  artist: string;
  venue_id: string;
  event_date: Date;
  on_sale_date: Date;
  high_demand: boolean;
  state: 'scheduled' | 'cancelled';
  prices: Record<string, number>;
}

export type NewEvent = Omit<EventRow, 'state'>;

/** Inserts the event and its whole seat inventory in one transaction. */
export async function insertEventWithSeats(pool: Pool, event: NewEvent, seats: SeatSpec[], seatIds: string[]): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO events (id, name, artist, venue_id, event_date, on_sale_date, high_demand, prices)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [event.id, event.name, event.artist, event.venue_id, event.event_date, event.on_sale_date, event.high_demand,
        JSON.stringify(event.prices)],
    );
    await client.query(
      `INSERT INTO seats (id, event_id, seat_index, section, row_label, number, price_cents)
       SELECT id, $1, seat_index, section, row_label, number, price_cents
       FROM unnest($2::uuid[], $3::int[], $4::text[], $5::text[], $6::text[], $7::int[])
         AS u(id, seat_index, section, row_label, number, price_cents)`,
      [event.id, seatIds, seats.map((s) => s.index), seats.map((s) => s.section), seats.map((s) => s.row),
        seats.map((s) => s.number), seats.map((s) => s.priceCents)],
    );
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

export async function findEvent(pool: Pool, id: string): Promise<EventRow | undefined> {
  const { rows } = await pool.query<EventRow>('SELECT * FROM events WHERE id = $1', [id]);
  return rows[0];
}
