import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { gunzipSync } from 'node:zlib';
import { expandLayout } from '../src/domain/layout.js';
import type { Snapshot } from '../src/engine/operations/snapshotEvent.js';
import type { EventLayout } from '../src/services/catalog.js';
import { SeatMapRenderer } from '../src/services/seatMap.js';

export interface RenderCost {
  seats: number;
  /** a new state (one seat changed) rendered as plain JSON, ms each */
  plainMs: number;
  /** the same with its gzip body too, ms each */
  gzipMs: number;
  plainBytes: number;
  gzipBytes: number;
}

/**
 * What a new state of the full seat map costs in the process that renders it (this one):
 * during an on-sale every reserve moves the version, so a map is rendered again for nearly
 * every request that sees a new state. `states` states, each one seat away from the last.
 */
export function measureRenderCost(rows: number, seatsPerRow: number, states = 200): RenderCost {
  const specs = expandLayout([{ name: 'Floor', rows, seatsPerRow }], { Floor: 5000 });
  const seats = specs.map((s) => ({
    id: randomUUID(),
    section: s.section,
    row: s.row,
    number: s.number,
    priceCents: s.priceCents,
  }));
  const layout: EventLayout = { seats, indexOf: new Map(seats.map((s, i) => [s.id, i])) };
  const chars = Array.from({ length: seats.length }, (_, i) => (i % 7 === 0 ? '1' : i % 11 === 0 ? '2' : '0'));
  const snapshot = (version: number): Snapshot => {
    const states = chars.join('');
    const held = chars.filter((c) => c === '1').length;
    const sold = chars.filter((c) => c === '2').length;
    return {
      ok: true,
      status: 'open',
      version,
      states,
      stateOf: () => 'available',
      counts: { total: seats.length, available: seats.length - held - sold, held, sold },
    };
  };
  const eventId = randomUUID();
  const run = (gzip: boolean) => {
    const renderer = new SeatMapRenderer();
    renderer.render(eventId, layout, snapshot(0), undefined, gzip); // the layout's first render
    let took = 0;
    let bytes = 0;
    for (let v = 1; v <= states; v++) {
      const seat = (v * 7919) % seats.length;
      chars[seat] = chars[seat] === '1' ? '0' : '1';
      const snap = snapshot(v);
      const t0 = performance.now();
      const { body } = renderer.render(eventId, layout, snap, undefined, gzip);
      took += performance.now() - t0;
      bytes = body.length;
      if (v === states && gzip) JSON.parse(gunzipSync(body).toString()); // the assembled member is valid
    }
    return { ms: took / states, bytes };
  };
  const plain = run(false);
  const gzip = run(true);
  return { seats: seats.length, plainMs: plain.ms, gzipMs: gzip.ms, plainBytes: plain.bytes, gzipBytes: gzip.bytes };
}
