import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { LRUCache } from 'lru-cache';
import type { Engine } from '../engine/engine.js';
import type { Catalog, EventLayout } from './catalog.js';
import { countStates } from './liveChanges.js';
import { TurnSharedReads } from './turnSharedReads.js';

/** A response body encoded once and served to every reader of the same version. */
export interface CachedBody {
  etag: string;
  body: Uint8Array<ArrayBuffer>;
  /** its gzip, made for the first reader that takes gzip */
  gzipped?: Uint8Array<ArrayBuffer>;
}

export type Conditional =
  | { notModified: true; etag: string }
  | { notModified: false; etag: string; body: Uint8Array<ArrayBuffer>; gzip: boolean };

/** The body for a reader: gzipped (compressed once per body) when it takes gzip. */
function answer(cached: CachedBody, acceptsGzip: boolean): Conditional {
  if (!acceptsGzip) return { notModified: false, etag: cached.etag, body: cached.body, gzip: false };
  cached.gzipped ??= new Uint8Array(gzipSync(cached.body)) as Uint8Array<ArrayBuffer>;
  return { notModified: false, etag: cached.etag, body: cached.gzipped, gzip: true };
}

/** Whether an If-None-Match header names this ETag (weak or strong, in a list, or `*`). */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const t = tag.trim().replace(/^W\//, '');
    return t === '*' || t === etag;
  });
}

/** The sections of a layout (seats come section by section, row by row, as expandLayout lays them out). */
function sectionsOf(layout: EventLayout) {
  const sections = new Map<string, { name: string; rows: Set<string>; seats: number; priceCents: number }>();
  for (const seat of layout.seats) {
    let s = sections.get(seat.section);
    if (!s)
      sections.set(seat.section, (s = { name: seat.section, rows: new Set(), seats: 0, priceCents: seat.priceCents }));
    s.rows.add(seat.row);
    s.seats += 1;
  }
  return [...sections.values()].map((s) => ({
    name: s.name,
    rows: s.rows.size,
    seatsPerRow: s.seats / s.rows.size,
    priceCents: s.priceCents,
  }));
}

/**
 * The two halves of a seat map with their own lives: the layout, encoded once per layout
 * and named by a hash of its content (it changes only with prices), and the states, one
 * character per seat read straight from the actor's seat string and encoded once per
 * version (and gzipped once, for readers that take it). A conditional request costs one HGET
 * of the version, shared by the requests for the event that arrive in the same turn of the
 * event loop.
 */
export class SeatAvailability {
  private readonly layouts = new WeakMap<EventLayout, CachedBody>();
  private readonly states = new LRUCache<string, CachedBody & { version: number }>({ max: 1_000 });
  private readonly reading = new Map<string, Promise<(CachedBody & { version: number }) | undefined>>();
  private readonly versions: TurnSharedReads<number | undefined>;

  constructor(
    private readonly engine: Engine,
    private readonly catalog: Catalog,
  ) {
    this.versions = new TurnSharedReads((eventId) => engine.seatVersion(eventId));
  }

  /** The layout document, or undefined for an unknown event. */
  async layout(eventId: string, ifNoneMatch?: string, acceptsGzip = false): Promise<Conditional | undefined> {
    const layout = this.catalog.knownLayout(eventId) ?? (await this.catalog.layout(eventId));
    if (!layout) return undefined;
    let cached = this.layouts.get(layout);
    if (!cached) {
      const seats = layout.seats.map((s) => ({
        id: s.id,
        section: s.section,
        row: s.row,
        number: s.number,
        priceCents: s.priceCents,
      }));
      const sections = sectionsOf(layout);
      // A number named by the content (48 bits of its hash): it changes only when the layout does.
      const layoutVersion = Number.parseInt(
        createHash('sha256')
          .update(JSON.stringify([sections, seats]))
          .digest('hex')
          .slice(0, 12),
        16,
      );
      const body = Buffer.from(JSON.stringify({ eventId, layoutVersion, sections, seats }));
      cached = { etag: `"${layoutVersion}"`, body };
      this.layouts.set(layout, cached);
    }
    return etagMatches(ifNoneMatch, cached.etag)
      ? { notModified: true, etag: cached.etag }
      : answer(cached, acceptsGzip);
  }

  /** The states document, or undefined when the event has no actor in Redis. */
  async availability(eventId: string, ifNoneMatch?: string, acceptsGzip = false): Promise<Conditional | undefined> {
    const version = await this.versions.get(eventId);
    if (version === undefined) return undefined;
    const etag = `"${version}"`;
    if (etagMatches(ifNoneMatch, etag)) return { notModified: true, etag };
    let cached = this.states.get(eventId);
    if (cached?.version !== version) cached = await this.read(eventId);
    // A shared read may have started before this version was written: one more, started after it.
    if (cached && cached.version < version) cached = await this.read(eventId);
    return cached && answer(cached, acceptsGzip);
  }

  /** One read per event at a time; readers arriving meanwhile share it. */
  private read(eventId: string) {
    let running = this.reading.get(eventId);
    if (!running) {
      running = this.engine
        .seatStates(eventId)
        .then((read) => {
          if (!read) return undefined;
          const body = Buffer.from(
            JSON.stringify({ eventId, version: read.version, counts: countStates(read.states), states: read.states }),
          );
          const cached = { version: read.version, etag: `"${read.version}"`, body };
          this.states.set(eventId, cached);
          return cached;
        })
        .finally(() => this.reading.delete(eventId));
      this.reading.set(eventId, running);
    }
    return running;
  }
}
