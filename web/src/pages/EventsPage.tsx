import { useEffect, useState, type FormEvent } from 'react';
import { api, ask, messageOf } from '../api/client';
import type { EventSummary } from '../api/types';
import { Alert } from '../Alert';
import { formatDate } from '../format';
import { Link, navigate, useLocation } from '../router';

const REFRESH_MS = 5000;
type Filters = { q: string; city: string; from: string; to: string };

/** Search (text, city, dates) and the matching events with live seat counts. */
export function EventsPage() {
  const { search } = useLocation();
  const params = new URLSearchParams(search);
  const filters: Filters = {
    q: params.get('q') ?? '',
    city: params.get('city') ?? '',
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
  };
  const key = JSON.stringify(filters);
  const [events, setEvents] = useState<EventSummary[]>();
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [error, setError] = useState<string>();

  useEffect(() => {
    const f = JSON.parse(key) as Filters;
    const query = {
      ...(f.q ? { q: f.q } : {}),
      ...(f.city ? { city: f.city } : {}),
      ...(f.from ? { from: new Date(`${f.from}T00:00:00`).toISOString() } : {}),
      ...(f.to ? { to: new Date(`${f.to}T23:59:59`).toISOString() } : {}),
    };
    let stopped = false;
    const load = () =>
      ask(api.GET('/api/events', { params: { query } })).then(
        (page) => {
          if (stopped) return;
          // Counts refresh in place; pages already loaded with "More events" stay.
          setEvents((shown) => {
            const fresh = new Map(page.events.map((e) => [e.id, e]));
            return shown && shown.length > page.events.length ? shown.map((e) => fresh.get(e.id) ?? e) : page.events;
          });
          setNextCursor((c) => c ?? page.nextCursor);
          setError(undefined);
        },
        (err) => !stopped && setError(messageOf(err)),
      );
    setEvents(undefined);
    setNextCursor(null);
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [key]);

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const next = new URLSearchParams();
    for (const name of ['q', 'city', 'from', 'to']) {
      const value = String(form.get(name) ?? '').trim();
      if (value) next.set(name, value);
    }
    navigate(next.size ? `/?${next}` : '/');
  };
  const more = async () => {
    if (!nextCursor) return;
    try {
      const page = await ask(api.GET('/api/events', { params: { query: { cursor: nextCursor } } }));
      setEvents((shown) => [...(shown ?? []), ...page.events]);
      setNextCursor(page.nextCursor);
    } catch (err) {
      setError(messageOf(err));
    }
  };

  return (
    <section>
      <h1>Find tickets</h1>
      <form className="search" role="search" onSubmit={submit} key={key}>
        <label>
          Search
          <input type="search" name="q" defaultValue={filters.q} placeholder="Event, artist or venue" />
        </label>
        <label>
          City
          <input name="city" defaultValue={filters.city} />
        </label>
        <label>
          From
          <input type="date" name="from" defaultValue={filters.from} />
        </label>
        <label>
          To
          <input type="date" name="to" defaultValue={filters.to} />
        </label>
        <button type="submit">Find events</button>
      </form>
      <Alert message={error} />
      {!events && !error && <p role="status">Loading events…</p>}
      {events?.length === 0 && <p>No events match your search.</p>}
      <ul className="event-list">
        {events?.map((event) => (
          <li key={event.id} className="event-card">
            <h2>
              <Link to={`/events/${event.id}`}>{event.name}</Link>
            </h2>
            <p>
              {event.artist} · {event.venue.name}, {event.venue.city}
            </p>
            <p>
              {formatDate(event.eventDate)}{' '}
              <span className={`badge status-${event.status}`}>{event.status.replace('_', ' ')}</span>
            </p>
            <p className="counts">
              {event.counts.available} of {event.counts.total} seats available
            </p>
          </li>
        ))}
      </ul>
      {nextCursor && (
        <button type="button" onClick={() => void more()}>
          More events
        </button>
      )}
    </section>
  );
}
