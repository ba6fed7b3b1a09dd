import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Snapshot } from '../engine/operations/snapshotEvent.js';
import type { EventLayout } from './catalog.js';

const STATUS_END: Record<string, string> = { '0': 'available"}', '1': 'held"}', '2': 'sold"}' };
const gzipAsync = promisify(gzip);

interface Body {
  state: string;
  raw: Uint8Array<ArrayBuffer>;
  /** the gzip of raw, once compressed (in the background, once per state) */
  gzipped?: Uint8Array<ArrayBuffer>;
  compressing?: boolean;
}

interface Rendered {
  /** each seat's JSON up to its status value, built once per layout */
  fragments: string[];
  /**
   * The last body per section filter ('' for all), reused while the state is unchanged: the
   * version moves on every change, and within a version holds only lapse, lowering `held`.
   */
  last: Map<string, Body>;
}

export interface SeatMapBody {
  body: Uint8Array<ArrayBuffer>;
  gzip: boolean;
}

/**
 * Renders seat maps as JSON: the invariant part of every seat is serialised once per
 * layout, and the body of a state is encoded once (bytes, and gzip for clients that take
 * it) and shared by every reader of that state. This is the hottest read of an on-sale:
 * a request costs one snapshot read and a write of bytes already made.
 */
export class SeatMapRenderer {
  private readonly rendered = new WeakMap<EventLayout, Rendered>();

  render(eventId: string, layout: EventLayout, snap: Snapshot, section: string | undefined, acceptsGzip = false): SeatMapBody {
    let r = this.rendered.get(layout);
    if (!r) {
      r = {
        fragments: layout.seats.map((s) => `${JSON.stringify({ ...s, status: '' }).slice(0, -2)}`),
        last: new Map(),
      };
      this.rendered.set(layout, r);
    }
    const filter = section ?? '';
    const state = `${snap.version}:${snap.counts.held}`;
    let last = r.last.get(filter);
    if (!last || last.state !== state) {
      const parts: string[] = [];
      for (let i = 0; i < layout.seats.length; i++) {
        if (section !== undefined && layout.seats[i]!.section !== section) continue;
        parts.push(r.fragments[i]! + STATUS_END[snap.states[i]!]!);
      }
      const text = `{"eventId":${JSON.stringify(eventId)},"version":${snap.version},"counts":${JSON.stringify(snap.counts)},"seats":[${parts.join(',')}]}`;
      last = { state, raw: Buffer.from(text) };
      r.last.set(filter, last);
    }
    if (!acceptsGzip) return { body: last.raw, gzip: false };
    if (last.gzipped) return { body: last.gzipped, gzip: true };
    this.compress(last);
    return { body: last.raw, gzip: false };
  }

  /** Compresses off the request path; until it is done readers get the plain body. */
  private compress(body: Body): void {
    if (body.compressing) return;
    body.compressing = true;
    gzipAsync(body.raw, { level: 1 }).then((gz) => {
      body.gzipped = new Uint8Array(gz.buffer, gz.byteOffset, gz.byteLength) as Uint8Array<ArrayBuffer>;
    }, () => {});
  }
}
