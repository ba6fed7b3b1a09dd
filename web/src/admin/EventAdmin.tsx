import { useState } from 'react';
import { api, ask, messageOf } from '../api/client';
import type { EventStats as Stats, EventSummary } from '../api/types';
import { Alert } from '../Alert';
import { formatCents, formatDate } from '../format';
import { Link } from '../router';

/** One event in the admin list: its stats on demand, and cancel (which refunds every order). */
export function EventAdmin({ event, onChanged }: { event: EventSummary; onChanged(): void }) {
  const [stats, setStats] = useState<Stats>();
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const path = { params: { path: { id: event.id } } };
  const loadStats = () =>
    ask(api.GET('/api/admin/events/{id}/stats', path)).then(setStats, (err) => setError(messageOf(err)));
  const cancel = async () => {
    setError(undefined);
    try {
      const result = await ask(api.POST('/api/admin/events/{id}/cancel', path));
      setNotice(`Cancelled; ${result.refundedOrders} orders refunded.`);
      setConfirming(false);
      onChanged();
    } catch (err) {
      setError(messageOf(err));
    }
  };
  return (
    <li className="panel">
      <h3>
        <Link to={`/events/${event.id}`}>{event.name}</Link>
      </h3>
      <p>
        {event.venue.name} · {formatDate(event.eventDate)} ·{' '}
        <span className="badge">{event.status.replace('_', ' ')}</span>
        {event.highDemand ? ' · waiting room' : ''}
      </p>
      <div className="actions">
        <button type="button" onClick={() => void loadStats()} aria-label={`Stats for ${event.name}`}>
          Stats
        </button>
        {event.status !== 'cancelled' && !confirming && (
          <button type="button" onClick={() => setConfirming(true)} aria-label={`Cancel event ${event.name}`}>
            Cancel event
          </button>
        )}
        {confirming && (
          <>
            <button type="button" className="danger" onClick={() => void cancel()}>
              Yes, cancel and refund everyone
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              Keep the event
            </button>
          </>
        )}
      </div>
      {stats && (
        <dl className="stats">
          <dt>Available</dt>
          <dd>{stats.counts.available}</dd>
          <dt>Held</dt>
          <dd>{stats.counts.held}</dd>
          <dt>Sold</dt>
          <dd>{stats.counts.sold}</dd>
          <dt>Orders</dt>
          <dd>{stats.orders}</dd>
          <dt>Revenue</dt>
          <dd>{formatCents(stats.revenueCents)}</dd>
          <dt>In line</dt>
          <dd>
            {stats.queue.waiting} waiting, {stats.queue.admitted} admitted
          </dd>
        </dl>
      )}
      <Alert message={error} />
      <Alert message={notice} tone="info" />
    </li>
  );
}
