import { useState, type FormEvent } from 'react';
import { api, ask, messageOf } from '../api/client';
import type { EventSummary, Venue } from '../api/types';
import { Alert } from '../Alert';
import { SelectField } from '../Field';
import { localInputToIso } from '../format';

export function NewEventForm({ venues, onCreated }: { venues: Venue[]; onCreated(event: EventSummary): void }) {
  const [venueId, setVenueId] = useState('');
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();
  const venue = venues.find((v) => v.id === venueId);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!venue) return;
    const form = e.currentTarget;
    const data = new FormData(form);
    setError(undefined);
    try {
      const { event } = await ask(
        api.POST('/api/events', {
          body: {
            name: String(data.get('name')),
            artist: String(data.get('artist')),
            venueId: venue.id,
            eventDate: localInputToIso(String(data.get('eventDate'))),
            onSaleDate: localInputToIso(String(data.get('onSaleDate'))),
            highDemand: data.get('highDemand') === 'on',
            prices: Object.fromEntries(
              venue.sections.map((s) => [s.name, Math.round(Number(data.get(`price:${s.name}`)) * 100)]),
            ),
          },
        }),
      );
      setDone(`Event ${event.name} created: ${event.counts.total} seats.`);
      form.reset();
      setVenueId('');
      onCreated(event);
    } catch (err) {
      setError(messageOf(err));
    }
  };
  return (
    <form className="panel stack" onSubmit={(e) => void submit(e)} aria-labelledby="new-event">
      <h2 id="new-event">New event</h2>
      <label>
        Event name
        <input name="name" required />
      </label>
      <label>
        Artist
        <input name="artist" required />
      </label>
      <SelectField label="Venue" name="venueId" value={venueId} onChange={(e) => setVenueId(e.target.value)} required>
        <option value="">Choose a venue</option>
        {venues.map((v) => (
          <option key={v.id} value={v.id}>
            {v.name}, {v.city}
          </option>
        ))}
      </SelectField>
      <label>
        Event date
        <input type="datetime-local" name="eventDate" required />
      </label>
      <label>
        On-sale date
        <input type="datetime-local" name="onSaleDate" required />
      </label>
      <label className="inline">
        <input type="checkbox" name="highDemand" /> High demand (waiting room)
      </label>
      {venue?.sections.map((s) => (
        <label key={s.name}>
          Price for {s.name} (USD)
          <input type="number" name={`price:${s.name}`} min={0} step="0.01" required />
        </label>
      ))}
      <button type="submit" className="primary" disabled={!venue}>
        Create event
      </button>
      <Alert message={error} />
      <Alert message={done} tone="info" />
    </form>
  );
}
