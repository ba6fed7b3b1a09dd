import { createHash, randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Pool } from 'pg';
import { expandLayout, type Section } from '../domain/layout.js';
import type { Engine } from '../engine/engine.js';
import type { SeatCounts } from '../engine/operations/snapshotEvent.js';
import { queueRateAndCapacity } from '../engine/operations/queueScripts.js';
import { soldSeatCount } from '../persist/repositories/soldSeats.js';
import type { CatalogCache } from './catalogCache.js';
import { TurnSharedReads } from './turnSharedReads.js';
import { rebuildActor } from '../persist/rebuild.js';
import {
  findEventWithVenue,
  insertEventWithSeats,
  searchEvents,
  updateEvent,
  type EventFilters,
  type EventPatch,
  type EventRow,
  type EventWithVenue,
} from '../persist/repositories/events.js';

export type { EventWithVenue } from '../persist/repositories/events.js';

export interface LayoutSeat {
  id: string;
  section: string;
  row: string;
  number: string;
  priceCents: number;
}

/** An event's seats in engine index order, and the map from seat UUID to index. */
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
  /** no holds or sales from then on (the event date unless an admin chose earlier) */
  salesEndDate: string;
  status: EventStatus;
  highDemand: boolean;
  counts: SeatCounts;
  /** the waiting room's admission settings, for high-demand events */
  queue?: { ratePerSecond: number; capacity: number };
}

/** When the event stops selling: its chosen sales end, else its start. */
export const salesEndOf = (row: Pick<EventRow, 'sales_end_date' | 'event_date'>): Date =>
  row.sales_end_date ?? row.event_date;

/**
 * The event's status now. `completed` means its sales are over: from the sales end on (by
 * default the event date), which the actor enforces too. The search's status filters
 * (repositories/events.ts) state the same rules in SQL.
 */
export function statusOf(row: EventRow, counts: SeatCounts, nowMs: number): EventStatus {
  if (row.state === 'cancelled') return 'cancelled';
  if (salesEndOf(row).getTime() <= nowMs) return 'completed';
  if (row.on_sale_date.getTime() > nowMs) return 'upcoming';
  return counts.total > 0 && counts.sold === counts.total ? 'sold_out' : 'on_sale';
}

/** How long a cached event row or search page may live; writes invalidate them sooner. */
const EVENT_TTL_SECONDS = 300;
const SEARCH_TTL_SECONDS = 30;
/**
 * A rendered event list or page is served as it was for the rest of the clock's second
 * (its live counts and date-derived status may be that much behind; a catalogue write ends
 * it at once). Its key names the second, and expires a few seconds later (cleanup only).
 */
const ANSWER_PERIOD_MS = 1_000;
const ANSWER_KEPT_MS = 5_000;
/** the one key of the shared generation reads */
const GENERATION = 'catalog';

/** JSON round trip of event rows: dates come back as strings. */
const reviveRow = (row: EventWithVenue): EventWithVenue => ({
  ...row,
  event_date: new Date(row.event_date),
  on_sale_date: new Date(row.on_sale_date),
  sales_end_date: row.sales_end_date === null ? null : new Date(row.sales_end_date),
  updated_at: new Date(row.updated_at),
});

/**
 * The catalogue's read path and its writes. Event rows and search pages are cached in
 * Redis (cache-aside, invalidated on every write through here), and event rows also for one
 * second in process, so another process sees a change within a second. Layouts, which
 * change only with prices, live in a per-process LRU keyed by the event's updated_at. When
 * Redis is unreachable, reads go to Postgres.
 */
export class Catalog {
  private readonly layouts = new LRUCache<string, EventLayout>({ max: 200 });
  private readonly loadingLayouts = new Map<string, Promise<EventLayout | undefined>>();
  /** event rows for a second: the hot path (reserve, seat map) then skips even the Redis GET */
  private readonly rows = new LRUCache<string, EventWithVenue>({ max: 10_000, ttl: 1_000 });
  private readonly rebuilding = new Map<string, Promise<unknown>>();
  /** rendered answers (see `answer`), by second and request, with the catalogue generation they show */
  private readonly answers = new LRUCache<string, { generation: string; body: Uint8Array<ArrayBuffer> }>({
    maxSize: 32 * 2 ** 20,
    sizeCalculation: (a) => a.body.length + 100,
    ttl: ANSWER_KEPT_MS,
  });
  /** answers being found or rendered, by the same names: the requests that miss at once share one */
  private readonly finding = new Map<
    string,
    Promise<{ generation: string | undefined; body: Uint8Array<ArrayBuffer> }>
  >();
  private readonly generations = new TurnSharedReads(() => this.cache.generation());
  private generationSeen: string | undefined;
  constructor(
    private readonly pool: Pool,
    private readonly engine: Engine,
    private readonly cache: CatalogCache,
    /** while false, reads skip Redis (no waiting on timeouts) and come from Postgres */
    private readonly redisUp: () => boolean = () => true,
  ) {}

  /** A value from the Redis cache, else from the loader (and then cached). Redis faults fall through. */
  private async cached<T>(key: string, ttlSeconds: number, load: () => Promise<T | undefined>): Promise<T | undefined> {
    if (!this.redisUp()) return load();
    const hit = await this.cache.read<T>(key).catch(() => undefined);
    if (hit) return hit;
    const value = await load();
    if (value !== undefined) await this.cache.write(key, value, ttlSeconds).catch(() => {});
    return value;
  }

  async findEvent(eventId: string): Promise<EventWithVenue | undefined> {
    const recent = this.rows.get(eventId);
    if (recent) return recent;
    const cached = await this.cached(this.cache.eventKey(eventId), EVENT_TTL_SECONDS, () =>
      findEventWithVenue(this.pool, eventId),
    );
    const row = cached && reviveRow(cached);
    if (row) this.rows.set(eventId, row);
    return row;
  }

  async search(filters: EventFilters): Promise<EventWithVenue[]> {
    const generation = this.redisUp() ? await this.cache.generation().catch(() => '0') : '0';
    const queryHash = createHash('sha256').update(JSON.stringify(filters)).digest('hex');
    const now = new Date(this.engine.clock.now());
    // Date-derived statuses move with the clock: a page is cached for one TTL window at most.
    const rows = await this.cached(this.cache.searchKey(generation, queryHash), SEARCH_TTL_SECONDS, () =>
      searchEvents(this.pool, filters, now),
    );
    return (rows ?? []).map(reviveRow);
  }

  /**
   * A rendered read of the catalogue (the event list, an event page) as JSON bytes: rendered
   * once per catalogue generation and engine-clock second (ANSWER_PERIOD_MS), kept in Redis
   * for every process and in this one. A request that finds the answer here costs only the
   * catalogue generation's read, shared by the requests of one turn of the event loop (read
   * after each of them asked, so a change made before a request is never missed); else one
   * MGET finds it in Redis, else it is rendered and kept. `request` names the answer (e.g. the
   * raw query string: a request that fails validation is never kept). The requests that miss
   * it together (all those in flight as a second begins) share one look and one render; each
   * takes it only if it shows the generation read after it asked. Without Redis it is
   * rendered each time.
   */
  async answer(request: string, render: () => Promise<unknown>): Promise<Uint8Array<ArrayBuffer>> {
    if (!this.redisUp()) return Buffer.from(JSON.stringify(await render()));
    const named = `${Math.floor(this.engine.clock.now() / ANSWER_PERIOD_MS)} ${request}`;
    const held = this.answers.get(named);
    if (held && (await this.isCurrent(held.generation))) return held.body;
    const shared = this.finding.get(named);
    if (shared) {
      const found = await shared.catch(() => undefined);
      if (found && (await this.isCurrent(found.generation))) return found.body;
    }
    const finding = this.findOrRender(named, render);
    this.finding.set(named, finding);
    try {
      return (await finding).body;
    } finally {
      if (this.finding.get(named) === finding) this.finding.delete(named);
    }
  }

  /** Whether an answer of this generation is still the catalogue's (its generation read after the caller asked). */
  private async isCurrent(generation: string | undefined): Promise<boolean> {
    const now = await this.generations.get(GENERATION).catch(() => undefined);
    if (now !== undefined) this.seeGeneration(now);
    return generation !== undefined && generation === now;
  }

  /** The answer as kept in Redis, else rendered (and kept there and here when Redis gave its generation). */
  private async findOrRender(named: string, render: () => Promise<unknown>) {
    const requestHash = createHash('sha256').update(named).digest('base64url');
    const hit = await this.cache.readAnswer(requestHash).catch(() => undefined);
    if (hit) this.seeGeneration(hit.generation);
    const text = hit?.body ?? JSON.stringify(await render());
    const body = Buffer.from(text);
    if (hit) {
      if (hit.body === undefined)
        await this.cache.writeAnswer(requestHash, hit.generation, text, ANSWER_KEPT_MS).catch(() => {});
      this.answers.set(named, { generation: hit.generation, body });
    }
    return { generation: hit?.generation, body };
  }

  /**
   * A catalogue change anywhere (a new generation) empties this process's one-second row
   * cache, so that an answer rendered for the new generation reads the rows again: rendered
   * from a row read before the change, it would be kept as the new generation's answer.
   */
  private seeGeneration(generation: string): void {
    if (generation !== this.generationSeen) this.rows.clear();
    this.generationSeen = generation;
  }

  /** Forgets cached copies of the event and every cached search page. */
  async invalidate(eventId: string): Promise<void> {
    this.rows.delete(eventId);
    await this.cache.invalidate(eventId);
  }

  /** The layout when this process has it for the event as it knows it, without a wait (the hot paths' first look). */
  knownLayout(eventId: string): EventLayout | undefined {
    const event = this.rows.get(eventId);
    return event && this.layouts.get(`${eventId}@${event.updated_at.getTime()}`);
  }

  /** The event's seats, loaded once per process and price change; concurrent misses share one load. */
  async layout(eventId: string): Promise<EventLayout | undefined> {
    const event = await this.findEvent(eventId);
    if (!event) return undefined;
    const cacheKey = `${eventId}@${event.updated_at.getTime()}`;
    const cached = this.layouts.get(cacheKey);
    if (cached) return cached;
    let loading = this.loadingLayouts.get(cacheKey);
    if (!loading) {
      loading = loadLayout(this.pool, eventId).finally(() => this.loadingLayouts.delete(cacheKey));
      this.loadingLayouts.set(cacheKey, loading);
    }
    const layout = await loading;
    if (layout) this.layouts.set(cacheKey, layout);
    return layout;
  }

  /** Live counts from the actor; from the durable record when Redis cannot answer. */
  async counts(eventId: string): Promise<SeatCounts> {
    const live = this.redisUp() ? await this.engine.counts(eventId).catch(() => undefined) : undefined;
    return live ?? this.countsFromPostgres(eventId);
  }

  async view(row: EventWithVenue): Promise<EventView> {
    const counts = await this.counts(row.id);
    return {
      id: row.id,
      name: row.name,
      artist: row.artist,
      venueId: row.venue_id,
      venue: { id: row.venue_id, name: row.venue_name, city: row.venue_city },
      eventDate: row.event_date.toISOString(),
      onSaleDate: row.on_sale_date.toISOString(),
      salesEndDate: salesEndOf(row).toISOString(),
      status: statusOf(row, counts, this.engine.clock.now()),
      highDemand: row.high_demand,
      counts,
      ...(row.high_demand
        ? {
            queue: queueRateAndCapacity({ ratePerSecond: row.queue_rate_per_second, capacity: row.queue_capacity }),
          }
        : {}),
    };
  }

  private async countsFromPostgres(eventId: string): Promise<SeatCounts> {
    const [{ rows }, sold] = await Promise.all([
      this.pool.query<{ total: number }>('SELECT count(*)::int AS total FROM seats WHERE event_id = $1', [eventId]),
      soldSeatCount(this.pool, eventId),
    ]);
    const { total } = rows[0]!;
    return { total, available: total - sold, held: 0, sold };
  }

  /** Writes the event and its whole seat inventory to Postgres, then loads its actor. */
  async createEvent(input: {
    name: string;
    artist: string;
    venueId: string;
    sections: Section[];
    eventDate: Date;
    onSaleDate: Date;
    salesEndDate?: Date | undefined;
    highDemand: boolean;
    prices: Record<string, number>;
    queueRatePerSecond?: number | undefined;
    queueCapacity?: number | undefined;
    /** a chosen id (seed data); a new one otherwise */
    id?: string;
  }): Promise<string> {
    const seats = expandLayout(input.sections, input.prices);
    const id = input.id ?? randomUUID();
    await insertEventWithSeats(
      this.pool,
      {
        id,
        name: input.name,
        artist: input.artist,
        venue_id: input.venueId,
        event_date: input.eventDate,
        on_sale_date: input.onSaleDate,
        sales_end_date: input.salesEndDate ?? null,
        high_demand: input.highDemand,
        prices: input.prices,
        queue_rate_per_second: input.queueRatePerSecond ?? null,
        queue_capacity: input.queueCapacity ?? null,
      },
      seats,
      seats.map(() => randomUUID()),
    );
    await this.invalidate(id);
    await this.ensureActor(id);
    return id;
  }

  /** Updates the event in Postgres, then its actor's sales window, demand flag and prices (one atomic script). */
  async updateEvent(eventId: string, patch: EventPatch): Promise<void> {
    await updateEvent(this.pool, eventId, patch);
    await this.invalidate(eventId);
    const result = await rebuildActor({ engine: this.engine, pool: this.pool }, eventId);
    if (!result.ok) throw new Error(`could not reconfigure the actor of ${eventId}: ${result.code}`);
  }

  /**
   * Makes sure the event's actor is in Redis, rebuilding it from Postgres if Redis lost it.
   * Concurrent callers share one rebuild.
   */
  async ensureActor(eventId: string): Promise<void> {
    let running = this.rebuilding.get(eventId);
    if (!running) {
      running = rebuildActor({ engine: this.engine, pool: this.pool }, eventId).finally(() =>
        this.rebuilding.delete(eventId),
      );
      this.rebuilding.set(eventId, running);
    }
    await running;
  }
}

async function loadLayout(pool: Pool, eventId: string): Promise<EventLayout | undefined> {
  const { rows } = await pool.query<{
    id: string;
    section: string;
    row_label: string;
    number: string;
    price_cents: number;
  }>('SELECT id, section, row_label, number, price_cents FROM seats WHERE event_id = $1 ORDER BY seat_index', [
    eventId,
  ]);
  if (rows.length === 0) return undefined;
  const seats = rows.map((r) => ({
    id: r.id,
    section: r.section,
    row: r.row_label,
    number: r.number,
    priceCents: r.price_cents,
  }));
  return { seats, indexOf: new Map(seats.map((s, i) => [s.id, i])) };
}
