import { useState, type FormEvent } from 'react';
import { api, ask, messageOf } from '../api/client';
import type { EventSummary, Order } from '../api/types';
import { Alert } from '../Alert';
import { SelectField } from '../Field';
import { formatCents, formatDate } from '../format';

/** Orders of every buyer, by email, event and status, newest first. */
export function OrderSearch({ events }: { events: EventSummary[] }) {
  const [orders, setOrders] = useState<Order[]>();
  const [error, setError] = useState<string>();
  const search = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const query = Object.fromEntries(
      ['email', 'eventId', 'status'].map((k) => [k, String(data.get(k) ?? '').trim()]).filter(([, v]) => v),
    );
    setError(undefined);
    try {
      setOrders((await ask(api.GET('/api/admin/orders', { params: { query } }))).orders);
    } catch (err) {
      setError(messageOf(err));
    }
  };
  return (
    <section aria-labelledby="order-search">
      <h2 id="order-search">Orders</h2>
      <form className="search" onSubmit={(e) => void search(e)}>
        <label>
          Buyer email
          <input type="email" name="email" />
        </label>
        <SelectField label="Event" name="eventId" defaultValue="">
          <option value="">Any event</option>
          {events.map((e) => (
            <option key={e.id} value={e.id}>
              {e.name}
            </option>
          ))}
        </SelectField>
        <SelectField label="Order status" name="status" defaultValue="">
          <option value="">Any status</option>
          <option value="completed">completed</option>
          <option value="refunded">refunded</option>
          <option value="cancelled">cancelled</option>
        </SelectField>
        <button type="submit">Find orders</button>
      </form>
      <Alert message={error} />
      {orders?.length === 0 && <p>No orders match.</p>}
      <ul className="admin-list">
        {orders?.map((o) => (
          <li key={o.id}>
            {o.id.slice(0, 8)} · {formatDate(o.createdAt)} · {o.status} · {o.items.length} seats ·{' '}
            {formatCents(o.totalCents)}
          </li>
        ))}
      </ul>
    </section>
  );
}
