import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Pool } from 'pg';
import { expandLayout, type Section } from '../domain/layout.js';
import type { Engine } from '../engine/engine.js';
import type { SeatCounts } from '../engine/operations/snapshotEvent.js';
import { rebuildActor } from '../persist/rebuild.js';
import { insertEventWithSeats, type EventRow } from '../persist/repositories/events.js';

export interface LayoutSeat {
  id: string;
  section: string;
  row: string;
  number: string;
  priceCents: number;
}

/** An event's seats in engine index order, and the map from seat UUID to index. Immutable. */
export interface EventLayout {
  seats: LayoutSeat[];
  indexOf: Map<string, number>;
}

export type EventStatus = 'upcoming' | 'on_sale' | 'sold_out' | 'completed' | 'cancelled';

export interface EventView {
  id: string;
  name: string;
  artist: string;
  venueId: string;
  venue: { id: string; name: string; city: string };
  eventDate: string;
  onSaleDate: string;
  status: EventStatus;
  highDemand: boolean;
  counts: SeatCounts;
}

export type EventWithVenue = EventRow & { venue_name: string; venue_city: string };

export const EVENT_SELECT = `
  SELECT e.*, v.name AS venue_name, v.city AS venue_city
  FROM events e JOIN venues v ON v.id = e.venue_id`;

export function statusOf(row: EventRow, counts: SeatCounts, nowMs: number): EventStatus {
  if (row.state === 'cancelled') return 'cancelled';
  if (row.event_date.getTime() <= nowMs) return 'completed';
  if (row.on_sale_date.getTime() > nowMs) return 'upcoming';
  return counts.total > 0 && counts.sold === counts.total ? 'sold_out' : 'on_sale';
}

export class Catalog {
  private readonly layouts = new LRUCache<string, EventLayout>({ max: 1_000 });
  private readonly rebuilding = new Map<string, Promise<unknown>>();

  constructor(
    private readonly pool: Pool,
    private readonly engine: Engine,
  ) {}

  async layout(eventId: string): Promise<EventLayout | undefined> {
    const cached = this.layouts.get(eventId);
    if (cached) return cached;
    const { rows } = await this.pool.query<{ id: string; section: string; row_label: string; number: string; price_cents: number }>(
      'SELECT id, section, row_label, number, price_cents FROM seats WHERE event_id = $1 ORDER BY seat_index',
      [eventId],
    );
    if (rows.length === 0) return undefined;
    const seats = rows.map((r) => ({ id: r.id, section: r.section, row: r.row_label, number: r.number, priceCents: r.price_cents }));
    const layout = { seats, indexOf: new Map(seats.map((s, i) => [s.id, i])) };
    this.layouts.set(eventId, layout);
    return layout;
  }

  async counts(eventId: string): Promise<SeatCounts | undefined> {
    const snap = await this.engine.snapshot(eventId);
    return snap.ok ? snap.counts : undefined;
  }

  async view(row: EventWithVenue): Promise<EventView> {
    const counts = (await this.counts(row.id)) ?? (await this.countsFromPostgres(row.id));
    return {
      id: row.id,
      name: row.name,
      artist: row.artist,
      venueId: row.venue_id,
      venue: { id: row.venue_id, name: row.venue_name, city: row.venue_city },
      eventDate: row.event_date.toISOString(),
      onSaleDate: row.on_sale_date.toISOString(),
      status: statusOf(row, counts, this.engine.clock.now()),
      highDemand: row.high_demand,
      counts,
    };
  }

  /** Counts from the durable record, for when the actor is not in Redis. */
  private async countsFromPostgres(eventId: string): Promise<SeatCounts> {
    const { rows } = await this.pool.query<{ total: number; sold: number }>(
      `SELECT (SELECT count(*)::int FROM seats WHERE event_id = $1) AS total,
              (SELECT count(*)::int FROM tickets WHERE event_id = $1 AND status = 'valid') AS sold`,
      [eventId],
    );
    const { total, sold } = rows[0]!;
    return { total, available: total - sold, held: 0, sold };
  }

  async findEvent(eventId: string): Promise<EventWithVenue | undefined> {
    const { rows } = await this.pool.query<EventWithVenue>(`${EVENT_SELECT} WHERE e.id = $1`, [eventId]);
    return rows[0];
  }

  /** Writes the event and its whole seat inventory to Postgres, then loads its actor. */
  async createEvent(input: {
    name: string; artist: string; venueId: string; sections: Section[]; eventDate: Date; onSaleDate: Date;
    highDemand: boolean; prices: Record<string, number>;
  }): Promise<string> {
    const seats = expandLayout(input.sections, input.prices);
    const id = randomUUID();
    await insertEventWithSeats(
      this.pool,
      { id, name: input.name, artist: input.artist, venue_id: input.venueId, event_date: input.eventDate,
        on_sale_date: input.onSaleDate, high_demand: input.highDemand, prices: input.prices },
      seats,
      seats.map(() => randomUUID()),
    );
    await this.ensureActor(id);
    return id;
  }

  /**
   * Makes sure the event's actor is in Redis, rebuilding it from Postgres if Redis lost it.
   * Concurrent callers share one rebuild.
   */
  async ensureActor(eventId: string): Promise<void> {
    let running = this.rebuilding.get(eventId);
    if (!running) {
      running = rebuildActor({ engine: this.engine, pool: this.pool }, eventId).finally(() => this.rebuilding.delete(eventId));
      this.rebuilding.set(eventId, running);
    }
    await running;
  }
}
