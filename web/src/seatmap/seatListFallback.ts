import { api, ask } from '../api/client';
import type { Layout } from '../api/types';

/** Until /layout, /availability and /live are served: the same picture from the full seat list. */
export async function loadFromSeatList(eventId: string) {
  const map = await ask(api.GET('/api/events/{id}/seats', { params: { path: { id: eventId } } }));
  const sections = new Map<string, Layout['sections'][number]>();
  for (const seat of map.seats) {
    const section = sections.get(seat.section) ?? { name: seat.section, rows: 0, seatsPerRow: 0, priceCents: seat.priceCents };
    section.rows = Math.max(section.rows, Number(seat.row));
    section.seatsPerRow = Math.max(section.seatsPerRow, Number(seat.number));
    sections.set(seat.section, section);
  }
  const layout: Layout = {
    eventId, layoutVersion: '0', sections: [...sections.values()],
    seats: map.seats.map(({ id, section, row, number, priceCents }) => ({ id, section, row, number, priceCents })),
  };
  const states = map.seats.map((s) => s.status[0]).join('');
  return { layout, snapshot: { version: map.version, states, counts: map.counts } };
}
