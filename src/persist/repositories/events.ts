import type { Pool } from 'pg';
import { expandLayout, type Section, type SeatSpec } from '../../domain/layout.js';
import { CANCEL_AND_ANNOUNCE_EVENT } from '../../notify/outboxSql.js';
import { inTransaction } from '../db.js';

export interface EventRow {
  id: string;
  name: string;
  artist: string;
  venue_id: string;
  event_date: Date;
  on_sale_date: Date;
  /** when sales end; null: at event_date */
  sales_end_date: Date | null;
  high_demand: boolean;
  state: 'scheduled' | 'cancelled';
  prices: Record<string, number>;
  queue_rate_per_second: number | null;
  queue_capacity: number | null;
  /** seat count, and seats sold as the persister recorded them (for the status filters) */
  seats_total: number;
  seats_sold: number;
  updated_at: Date;
}

export type EventWithVenue = EventRow & { venue_name: string; venue_city: string };

type Optional = 'queue_rate_per_second' | 'queue_capacity' | 'sales_end_date';
export type NewEvent = Omit<EventRow, 'state' | 'updated_at' | 'seats_total' | 'seats_sold' | Optional> &
  Partial<Pick<EventRow, Optional>>;

/** The venue's layout changed while an event was being created from the old one. */
export class VenueChangedError extends Error {
  constructor() {
    super('the venue layout changed while the event was being created');
    this.name = 'VenueChangedError';
  }
}

/**
 * Inserts the event and its whole seat inventory in one transaction. The venue row is
 * locked (FOR SHARE) and its layout compared with the seats given: a concurrent venue edit
 * either waits for this event (and then finds the venue in use) or makes this insert fail.
 */
export async function insertEventWithSeats(
  pool: Pool,
  event: NewEvent,
  seats: SeatSpec[],
  seatIds: string[],
): Promise<void> {
  return inTransaction(pool, async (client) => {
    const venue = await client.query<{ sections: Section[] }>('SELECT sections FROM venues WHERE id = $1 FOR SHARE', [
      event.venue_id,
    ]);
    if (!sameLayout(venue.rows[0]?.sections ?? [], event.prices, seats)) throw new VenueChangedError();
    await client.query(
      `INSERT INTO events (id, name, artist, venue_id, event_date, on_sale_date, high_demand, prices,
         queue_rate_per_second, queue_capacity, sales_end_date, seats_total)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        event.id,
        event.name,
        event.artist,
        event.venue_id,
        event.event_date,
        event.on_sale_date,
        event.high_demand,
        JSON.stringify(event.prices),
        event.queue_rate_per_second ?? null,
        event.queue_capacity ?? null,
        event.sales_end_date ?? null,
        seats.length,
      ],
    );
    await client.query(
      `INSERT INTO seats (id, event_id, seat_index, section, row_label, number, price_cents)
       SELECT id, $1, seat_index, section, row_label, number, price_cents
       FROM unnest($2::uuid[], $3::int[], $4::text[], $5::text[], $6::text[], $7::int[])
         AS u(id, seat_index, section, row_label, number, price_cents)`,
      [
        event.id,
        seatIds,
        seats.map((s) => s.index),
        seats.map((s) => s.section),
        seats.map((s) => s.row),
        seats.map((s) => s.number),
        seats.map((s) => s.priceCents),
      ],
    );
  });
}

/** Whether `seats` are the seats of `sections` (a section without a price is a different layout). */
function sameLayout(sections: readonly Section[], prices: Record<string, number>, seats: readonly SeatSpec[]): boolean {
  if (sections.some((s) => prices[s.name] === undefined)) return false;
  const expected = expandLayout(sections, prices);
  return (
    expected.length === seats.length &&
    expected.every(
      (s, i) => s.section === seats[i]!.section && s.row === seats[i]!.row && s.number === seats[i]!.number,
    )
  );
}

const EVENT_SELECT = `
  SELECT e.*, v.name AS venue_name, v.city AS venue_city
  FROM events e JOIN venues v ON v.id = e.venue_id`;

export async function findEventWithVenue(pool: Pool, id: string): Promise<EventWithVenue | undefined> {
  const { rows } = await pool.query<EventWithVenue>(`${EVENT_SELECT} WHERE e.id = $1`, [id]);
  return rows[0];
}

export interface EventFilters {
  q?: string | undefined;
  city?: string | undefined;
  venueId?: string | undefined;
  artist?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** only events in this status, decided in the query (before the page's LIMIT) */
  status?: 'upcoming' | 'on_sale' | 'sold_out' | 'completed' | 'cancelled' | undefined;
  /** keyset: only events after this (event_date, id) */
  after?: [Date, string] | undefined;
  limit: number;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (ch) => `\\${ch}`);

/**
 * Each status as a predicate on the row and the clock ($1), the same rules as the API's
 * statusOf: sales are over from sales_end_date (by default event_date) on, and sold_out
 * compares the persisted seat counts (the live actor may be ahead by the persister's lag).
 */
const SALES_END = 'coalesce(e.sales_end_date, e.event_date)';
const STATUS_FILTERS = {
  cancelled: `e.state = 'cancelled'`,
  completed: `e.state <> 'cancelled' AND ${SALES_END} <= $1`,
  upcoming: `e.state <> 'cancelled' AND e.on_sale_date > $1 AND ${SALES_END} > $1`,
  on_sale: `e.state <> 'cancelled' AND e.on_sale_date <= $1 AND ${SALES_END} > $1 AND e.seats_sold < e.seats_total`,
  sold_out: `e.state <> 'cancelled' AND e.on_sale_date <= $1 AND ${SALES_END} > $1 AND e.seats_sold >= e.seats_total`,
} as const;

/** One page of events sorted by (event_date, id); every value is a bind parameter. */
export async function searchEvents(pool: Pool, f: EventFilters, now: Date): Promise<EventWithVenue[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, ...values: unknown[]) => {
    const first = params.length + 1;
    params.push(...values);
    where.push(sql.replace(/\$(\d)/g, (_, i: string) => `$${first + Number(i) - 1}`));
  };
  if (f.q) add('(e.name ILIKE $1 OR e.artist ILIKE $1 OR v.name ILIKE $1)', `%${escapeLike(f.q)}%`);
  if (f.city) add('v.city ILIKE $1', escapeLike(f.city));
  if (f.venueId) add('e.venue_id = $1', f.venueId);
  if (f.artist) add('e.artist ILIKE $1', escapeLike(f.artist));
  if (f.from) add('e.event_date >= $1', f.from);
  if (f.to) add('e.event_date <= $1', f.to);
  if (f.status) add(STATUS_FILTERS[f.status], ...(f.status === 'cancelled' ? [] : [now]));
  if (f.after) add('(e.event_date, e.id) > ($1, $2)', ...f.after);
  params.push(f.limit);
  const { rows } = await pool.query<EventWithVenue>(
    `${EVENT_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY e.event_date, e.id LIMIT $${params.length}`,
    params,
  );
  return rows;
}

export interface EventPatch {
  name?: string | undefined;
  artist?: string | undefined;
  eventDate?: Date | undefined;
  onSaleDate?: Date | undefined;
  /** null: back to the default (the event date) */
  salesEndDate?: Date | null | undefined;
  highDemand?: boolean | undefined;
  prices?: Record<string, number> | undefined;
  queueRatePerSecond?: number | undefined;
  queueCapacity?: number | undefined;
}

/** Updates the event's fields, and its seats' prices when prices change, in one transaction. */
export async function updateEvent(pool: Pool, id: string, patch: EventPatch): Promise<void> {
  return inTransaction(pool, async (client) => {
    await client.query(
      `UPDATE events SET name = coalesce($2, name), artist = coalesce($3, artist),
         event_date = coalesce($4, event_date), on_sale_date = coalesce($5, on_sale_date),
         high_demand = coalesce($6, high_demand), prices = coalesce($7, prices),
         queue_rate_per_second = coalesce($8, queue_rate_per_second), queue_capacity = coalesce($9, queue_capacity),
         sales_end_date = CASE WHEN $10 THEN $11 ELSE sales_end_date END,
         updated_at = now()
       WHERE id = $1`,
      [
        id,
        patch.name ?? null,
        patch.artist ?? null,
        patch.eventDate ?? null,
        patch.onSaleDate ?? null,
        patch.highDemand ?? null,
        patch.prices ? JSON.stringify(patch.prices) : null,
        patch.queueRatePerSecond ?? null,
        patch.queueCapacity ?? null,
        patch.salesEndDate !== undefined,
        patch.salesEndDate ?? null,
      ],
    );
    if (patch.prices) {
      await client.query(`UPDATE seats s SET price_cents = (($2::jsonb) ->> s.section)::int WHERE s.event_id = $1`, [
        id,
        JSON.stringify(patch.prices),
      ]);
    }
  });
}

/** Marks the event cancelled and, the first time only, announces it (event.cancelled) in the same statement. */
export async function markCancelled(pool: Pool, id: string): Promise<void> {
  await pool.query(CANCEL_AND_ANNOUNCE_EVENT, [id]);
}
