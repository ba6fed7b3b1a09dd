import { useCallback, useEffect, useState } from 'react';
import { api, ask, messageOf } from '../api/client';
import type { EventSummary, Venue } from '../api/types';
import { Alert } from '../Alert';
import { useSession } from '../session';
import { EventAdmin } from './EventAdmin';
import { NewEventForm } from './NewEventForm';
import { NewVenueForm } from './NewVenueForm';
import { OrderSearch } from './OrderSearch';

/** The admin area (loaded only when opened): venues, events, stats, cancel, orders. */
export default function AdminPage() {
  const { user } = useSession();
  const [venues, setVenues] = useState<Venue[]>([]);
  const [events, setEvents] = useState<EventSummary[]>([]);
  const [error, setError] = useState<string>();
  const reload = useCallback(() => {
    Promise.all([ask(api.GET('/api/venues')), ask(api.GET('/api/events', { params: { query: { limit: 100 } } }))]).then(
      ([v, e]) => {
        setVenues(v.venues);
        setEvents(e.events);
      },
      (err) => setError(messageOf(err)),
    );
  }, []);
  useEffect(reload, [reload]);

  if (user?.role !== 'admin')
    return <Alert message="The admin area is for administrators: log in with an admin account." />;
  return (
    <section className="admin">
      <h1>Admin</h1>
      <Alert message={error} />
      <div className="admin-grid">
        <NewVenueForm onCreated={(venue) => setVenues((all) => [...all, venue])} />
        <NewEventForm venues={venues} onCreated={(event) => setEvents((all) => [...all, event])} />
      </div>
      <h2>Venues</h2>
      <ul className="admin-list">
        {venues.map((v) => (
          <li key={v.id}>
            {v.name}, {v.city} · {v.capacity} seats · {v.sections.map((s) => s.name).join(', ')}
          </li>
        ))}
      </ul>
      <h2>Events</h2>
      <ul className="admin-list">
        {events.map((event) => (
          <EventAdmin key={event.id} event={event} onChanged={reload} />
        ))}
      </ul>
      <OrderSearch events={events} />
    </section>
  );
}
