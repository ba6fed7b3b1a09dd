/** A venue section: rows labelled "1".."rows", seats "1".."seatsPerRow". */
export interface Section {
  name: string;
  rows: number;
  seatsPerRow: number;
}

export interface SeatSpec {
  index: number;
  section: string;
  row: string;
  number: string;
  priceCents: number;
}

export const capacityOf = (sections: readonly Section[]) => sections.reduce((n, s) => n + s.rows * s.seatsPerRow, 0);

/**
 * Every seat of a layout in engine index order: section by section, row by row, seat by
 * seat. The order is the contract between Postgres seat rows and the actor's seat bytes.
 */
export function expandLayout(sections: readonly Section[], pricesCents: Readonly<Record<string, number>>): SeatSpec[] {
  const seats: SeatSpec[] = [];
  for (const section of sections) {
    const priceCents = pricesCents[section.name];
    if (priceCents === undefined) throw new RangeError(`no price for section ${section.name}`);
    for (let row = 1; row <= section.rows; row++) {
      for (let number = 1; number <= section.seatsPerRow; number++) {
        seats.push({
          index: seats.length,
          section: section.name,
          row: String(row),
          number: String(number),
          priceCents,
        });
      }
    }
  }
  return seats;
}
