import type { SeatBlockArea } from '../engine/operations/reserveBestSeats.js';
import type { EventLayout } from './catalog.js';

/** A section of an event's layout as the engine searches it, with its dearest seat. */
export interface SectionArea extends SeatBlockArea {
  name: string;
  maxPriceCents: number;
}

const areasByLayout = new WeakMap<EventLayout, SectionArea[]>();

/**
 * The sections of a layout in venue order (seat index order is section, row, number), each
 * as its first index, rows and seats per row. Computed once per cached layout.
 */
export function sectionAreas(layout: EventLayout): SectionArea[] {
  const cached = areasByLayout.get(layout);
  if (cached) return cached;
  const areas: SectionArea[] = [];
  layout.seats.forEach((seat, index) => {
    let area = areas.at(-1);
    if (!area || area.name !== seat.section) {
      area = { name: seat.section, firstIndex: index, rows: 0, seatsPerRow: 0, maxPriceCents: 0 };
      areas.push(area);
    }
    if (seat.row === layout.seats[area.firstIndex]!.row) area.seatsPerRow++;
    area.maxPriceCents = Math.max(area.maxPriceCents, seat.priceCents);
  });
  for (const [i, area] of areas.entries()) {
    const end = areas[i + 1]?.firstIndex ?? layout.seats.length;
    area.rows = (end - area.firstIndex) / area.seatsPerRow;
  }
  areasByLayout.set(layout, areas);
  return areas;
}

/**
 * Where a best-available request may look, best first: one named section or all of them,
 * without sections dearer than the buyer's limit. Undefined when the section does not exist.
 */
export function bestAreas(
  layout: EventLayout,
  want: { section?: string; maxPriceCents?: number },
): SectionArea[] | undefined {
  const all = sectionAreas(layout);
  const named = want.section === undefined ? all : all.filter((a) => a.name === want.section);
  if (named.length === 0) return undefined;
  return named.filter((a) => want.maxPriceCents === undefined || a.maxPriceCents <= want.maxPriceCents);
}
