import { useState, type FormEvent } from 'react';
import { api, ask, messageOf } from '../api/client';
import type { Venue } from '../api/types';
import { Alert } from '../Alert';

type SectionDraft = { name: string; rows: string; seatsPerRow: string };
const FIRST_SECTION: SectionDraft = { name: 'Floor', rows: '10', seatsPerRow: '20' };

export function NewVenueForm({ onCreated }: { onCreated(venue: Venue): void }) {
  const [sections, setSections] = useState<SectionDraft[]>([FIRST_SECTION]);
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();
  const edit = (i: number, field: keyof SectionDraft, value: string) =>
    setSections((all) => all.map((s, j) => (j === i ? { ...s, [field]: value } : s)));
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    setError(undefined);
    try {
      const address = String(data.get('address')).trim();
      const { venue } = await ask(
        api.POST('/api/venues', {
          body: {
            name: String(data.get('name')),
            city: String(data.get('city')),
            ...(address ? { address } : {}),
            sections: sections.map((s) => ({
              name: s.name.trim(),
              rows: Number(s.rows),
              seatsPerRow: Number(s.seatsPerRow),
            })),
          },
        }),
      );
      setDone(`Venue ${venue.name} created with ${venue.capacity} seats.`);
      form.reset();
      setSections([FIRST_SECTION]);
      onCreated(venue);
    } catch (err) {
      setError(messageOf(err));
    }
  };
  return (
    <form className="panel stack" onSubmit={(e) => void submit(e)} aria-labelledby="new-venue">
      <h2 id="new-venue">New venue</h2>
      <label>
        Venue name
        <input name="name" required />
      </label>
      <label>
        Address
        <input name="address" />
      </label>
      <label>
        City
        <input name="city" required />
      </label>
      {sections.map((s, i) => (
        <fieldset key={i} className="section-fields">
          <legend>Section {i + 1}</legend>
          <label>
            Section name
            <input value={s.name} onChange={(e) => edit(i, 'name', e.target.value)} required />
          </label>
          <label>
            Rows
            <input
              type="number"
              min={1}
              max={200}
              value={s.rows}
              onChange={(e) => edit(i, 'rows', e.target.value)}
              required
            />
          </label>
          <label>
            Seats per row
            <input
              type="number"
              min={1}
              max={200}
              value={s.seatsPerRow}
              onChange={(e) => edit(i, 'seatsPerRow', e.target.value)}
              required
            />
          </label>
        </fieldset>
      ))}
      <button type="button" onClick={() => setSections((all) => [...all, { name: '', rows: '10', seatsPerRow: '20' }])}>
        Add section
      </button>
      <button type="submit" className="primary">
        Create venue
      </button>
      <Alert message={error} />
      <Alert message={done} tone="info" />
    </form>
  );
}
