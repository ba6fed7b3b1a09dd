import { useState } from 'react';
import type { Layout } from '../api/types';
import { SelectField } from '../Field';
import { formatCents } from '../format';

interface Props {
  layout: Layout;
  selected: ReadonlySet<number>;
  maxSeats: number;
  busy: boolean;
  onReserve(): void;
  onBest(quantity: number, section: string | undefined): void;
}

/** The picked seats and their total, Reserve, and Best available. */
export function SelectionPanel({ layout, selected, maxSeats, busy, onReserve, onBest }: Props) {
  const [quantity, setQuantity] = useState(2);
  const [section, setSection] = useState('');
  const seats = [...selected].map((i) => layout.seats[i]!);
  const total = seats.reduce((sum, seat) => sum + seat.priceCents, 0);
  return (
    <section className="panel selection" aria-labelledby="selection-title">
      <h2 id="selection-title">Your selection</h2>
      {seats.length === 0 ? (
        <p>
          Pick up to {maxSeats} seats on the map (arrow keys move between seats, Enter picks one), or let us find the
          best ones.
        </p>
      ) : (
        <ul className="seat-list">
          {seats.map((seat) => (
            <li key={seat.id}>
              Section {seat.section}, row {seat.row}, seat {seat.number} · {formatCents(seat.priceCents)}
            </li>
          ))}
        </ul>
      )}
      <p className="total" aria-live="polite">
        {seats.length} of {maxSeats} seats · Total {formatCents(total)}
      </p>
      <button type="button" className="primary" onClick={onReserve} disabled={busy || seats.length === 0}>
        Reserve
      </button>
      <div className="best">
        <SelectField label="Quantity" value={quantity} onChange={(e) => setQuantity(Number(e.target.value))}>
          {Array.from({ length: maxSeats }, (_, i) => i + 1).map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </SelectField>
        <SelectField label="Section" value={section} onChange={(e) => setSection(e.target.value)}>
          <option value="">Any section</option>
          {layout.sections.map((s) => (
            <option key={s.name} value={s.name}>
              {s.name} · {formatCents(s.priceCents)}
            </option>
          ))}
        </SelectField>
        <button type="button" onClick={() => onBest(quantity, section || undefined)} disabled={busy}>
          Best available
        </button>
      </div>
    </section>
  );
}
