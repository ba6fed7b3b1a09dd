import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, ask, ApiError, messageOf } from '../api/client';
import type { Counts, EventSummary, Hold } from '../api/types';
import { Alert } from '../Alert';
import { HoldPanel } from '../event/HoldPanel';
import { rememberedHold, rememberHold } from '../event/holdStorage';
import { SelectionPanel } from '../event/SelectionPanel';
import { WaitingRoom } from '../event/WaitingRoom';
import { formatDate } from '../format';
import { Link, navigate } from '../router';
import { SeatMap } from '../seatmap/SeatMap';
import { SeatStore } from '../seatmap/seatStore';
import { useSession } from '../session';

const MAX_SEATS = 6;

export function EventPage({ eventId }: { eventId: string }) {
  const { user } = useSession();
  const [event, setEvent] = useState<EventSummary>();
  const [error, setError] = useState<string>();
  const [admitted, setAdmitted] = useState<boolean | undefined>();

  useEffect(() => {
    ask(api.GET('/api/events/{id}', { params: { path: { id: eventId } } })).then(
      (r) => setEvent(r.event),
      (err) => setError(messageOf(err)),
    );
  }, [eventId]);

  // High-demand events: the seat map only after admission from the waiting room.
  useEffect(() => {
    if (!event?.highDemand || !user) return;
    ask(api.GET('/api/queue/{eventId}/status', { params: { path: { eventId } } })).then(
      (s) => setAdmitted(s.status === 'admitted'),
      () => setAdmitted(false),
    );
  }, [event?.highDemand, eventId, user]);
  const admit = useCallback(() => setAdmitted(true), []);

  if (error) return <Alert message={error} />;
  if (!event || user === undefined) return <p role="status">Loading the event…</p>;
  const gated = event.highDemand && event.status === 'on_sale';
  return (
    <article className="event-page">
      <header className="event-header">
        <h1>{event.name}</h1>
        <p>
          {event.artist} · {event.venue.name}, {event.venue.city} · {formatDate(event.eventDate)}
        </p>
        <p className={`badge status-${event.status}`}>{event.status.replace('_', ' ')}</p>
      </header>
      {event.status === 'upcoming' && <p>Tickets go on sale {formatDate(event.onSaleDate)}.</p>}
      {gated && !user && (
        <p>
          This event has a waiting room. <Link to={`/login?next=/events/${eventId}`}>Log in</Link> to join the line.
        </p>
      )}
      {gated && user && admitted === false && <WaitingRoom eventId={eventId} onAdmitted={admit} />}
      {(!gated || (user && admitted)) && <SeatPicker event={event} />}
    </article>
  );
}

function SeatPicker({ event }: { event: EventSummary }) {
  const { user } = useSession();
  const [store, setStore] = useState<SeatStore>();
  const [counts, setCounts] = useState<Counts>(event.counts);
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const [hold, setHoldState] = useState<Hold | undefined>(() => rememberedHold(event.id));
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let current: SeatStore | undefined;
    let stopped = false;
    SeatStore.load(event.id).then(
      (loaded) => {
        if (stopped) return loaded.close();
        current = loaded;
        setStore(loaded);
        setCounts(loaded.counts);
      },
      (err) => setError(messageOf(err)),
    );
    return () => {
      stopped = true;
      current?.close();
    };
  }, [event.id]);

  // Live: counts follow, and a picked seat someone else just took leaves the selection.
  useEffect(() => {
    if (!store) return;
    return store.subscribe(() => {
      setCounts(store.counts);
      setSelected((picked) => {
        const still = new Set([...picked].filter((i) => store.status(i) === 'available'));
        if (still.size === picked.size) return picked;
        setNotice('A seat you picked was just taken by another buyer.');
        return still;
      });
    });
  }, [store]);

  const setHold = (next: Hold | undefined) => {
    rememberHold(event.id, next);
    setHoldState(next);
  };
  const mine = useMemo(() => {
    const indices = new Set<number>();
    for (const id of hold?.seatIds ?? []) {
      const i = store?.indexOf(id);
      if (i !== undefined) indices.add(i);
    }
    return indices;
  }, [hold, store]);

  const toggle = useCallback(
    (i: number) => {
      if (!store) return;
      setNotice(undefined);
      setSelected((picked) => {
        const next = new Set(picked);
        if (next.has(i)) next.delete(i);
        else if (store.status(i) !== 'available') setNotice('That seat is not available.');
        else if (next.size >= MAX_SEATS) setNotice(`You can pick at most ${MAX_SEATS} seats.`);
        else next.add(i);
        return next;
      });
    },
    [store],
  );

  const takeHold = async (request: () => Promise<{ hold: Hold }>) => {
    if (!user) return navigate(`/login?next=/events/${event.id}`);
    setBusy(true);
    setError(undefined);
    setNotice(undefined);
    try {
      setHold((await request()).hold);
      setSelected(new Set());
    } catch (err) {
      setError(messageOf(err));
      if (err instanceof ApiError && Array.isArray(err.problem.unavailableSeatIds) && store) {
        const gone = new Set((err.problem.unavailableSeatIds as string[]).map((id) => store.indexOf(id)));
        setSelected((picked) => new Set([...picked].filter((i) => !gone.has(i))));
      }
    } finally {
      setBusy(false);
    }
  };
  const reserve = () =>
    takeHold(() =>
      ask(
        api.POST('/api/seats/reserve', {
          body: { eventId: event.id, seatIds: [...selected].map((i) => store!.layout.seats[i]!.id) },
        }),
      ),
    );
  const best = (quantity: number, section: string | undefined) =>
    takeHold(() =>
      ask(api.POST('/api/seats/best', { body: { eventId: event.id, quantity, ...(section ? { section } : {}) } })),
    );
  const paid = (order: { id: string }) => {
    setHold(undefined);
    navigate(`/orders/${order.id}?new=1`);
  };

  return (
    <div className="picker">
      <p className="counts" aria-live="off">
        {counts.available} available · {counts.held} held · {counts.sold} sold of {counts.total}
      </p>
      <Alert message={error} />
      <Alert message={notice} tone="info" />
      <div className="picker-body">
        <div className="map-column">
          <ul className="legend" aria-label="Legend">
            <li data-status="available">Available</li>
            <li data-status="selected">Selected</li>
            <li data-status="mine">Your hold</li>
            <li data-status="held">Held</li>
            <li data-status="sold">Sold</li>
          </ul>
          {store ? (
            <SeatMap store={store} selected={selected} mine={mine} onToggle={toggle} />
          ) : (
            !error && <p role="status">Loading the seat map…</p>
          )}
        </div>
        <div className="side-column">
          {!user && (
            <p>
              <Link to={`/login?next=/events/${event.id}`}>Log in</Link> to hold and buy seats.
            </p>
          )}
          {store && hold && (
            <HoldPanel
              eventId={event.id}
              hold={hold}
              layout={store.layout}
              indexOf={(id) => store.indexOf(id)}
              onHold={setHold}
              onPaid={paid}
            />
          )}
          {store && (
            <SelectionPanel
              layout={store.layout}
              selected={selected}
              maxSeats={MAX_SEATS}
              busy={busy}
              onReserve={() => void reserve()}
              onBest={(q, s) => void best(q, s)}
            />
          )}
        </div>
      </div>
    </div>
  );
}
