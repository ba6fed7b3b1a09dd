import type { Snapshot } from '../engine/operations/snapshotEvent.js';
import type { EventLayout } from './catalog.js';

const STATUS_END: Record<string, string> = { '0': 'available"}', '1': 'held"}', '2': 'sold"}' };

interface Rendered {
  /** each seat's JSON up to its status value, built once per layout */
  fragments: string[];
  /**
   * The last body per section filter ('' for all), reused while the state is unchanged: the
   * version moves on every change, and within a version holds only lapse, lowering `held`.
   */
  last: Map<string, { state: string; body: string }>;
}

/**
 * Renders seat maps as JSON text: the invariant part of every seat is serialised once per
 * layout, so a request costs one snapshot and a string join, and readers of the same
 * version share one body. This is the hottest read of an on-sale.
 */
export class SeatMapRenderer {
  private readonly rendered = new WeakMap<EventLayout, Rendered>();

  render(eventId: string, layout: EventLayout, snap: Snapshot, section: string | undefined): string {
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
    const last = r.last.get(filter);
    if (last && last.state === state) return last.body;
    const parts: string[] = [];
    for (let i = 0; i < layout.seats.length; i++) {
      if (section !== undefined && layout.seats[i]!.section !== section) continue;
      parts.push(r.fragments[i]! + STATUS_END[snap.states[i]!]!);
    }
    const body = `{"eventId":${JSON.stringify(eventId)},"version":${snap.version},"counts":${JSON.stringify(snap.counts)},"seats":[${parts.join(',')}]}`;
    r.last.set(filter, { state, body });
    return body;
  }
}
