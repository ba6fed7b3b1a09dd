import { useEffect, useState } from 'react';
import { api, ask, messageOf } from '../api/client';
import type { Order } from '../api/types';
import { Alert } from '../Alert';
import { formatCents, formatDate } from '../format';
import { Link, useLocation } from '../router';
import { useEventNames } from './useEventNames';

function OrderItems({ order }: { order: Order }) {
  return (
    <ul className="seat-list">
      {order.items.map((item) => (
        <li key={item.seatId}>
          Section {item.section}, row {item.row}, seat {item.number} · {formatCents(item.priceCents)}
        </li>
      ))}
    </ul>
  );
}

/** One order; right after paying, the confirmation. */
export function OrderPage({ orderId }: { orderId: string }) {
  const { search } = useLocation();
  const [order, setOrder] = useState<Order>();
  const [error, setError] = useState<string>();
  const eventName = useEventNames(order ? [order.eventId] : []);
  useEffect(() => {
    ask(api.GET('/api/orders/{id}', { params: { path: { id: orderId } } })).then(
      (r) => setOrder(r.order),
      (err) => setError(messageOf(err)),
    );
  }, [orderId]);
  if (error) return <Alert message={error} />;
  if (!order) return <p role="status">Loading the order…</p>;
  const fresh = new URLSearchParams(search).has('new');
  return (
    <section className="narrow">
      <h1>{fresh ? 'Thank you: your order is confirmed' : 'Your order'}</h1>
      <p>{eventName(order.eventId)}</p>
      <p>
        Order number <code data-order-id={order.id}>{order.id}</code>
      </p>
      <p>
        Status: {order.status} · placed {formatDate(order.createdAt)}
      </p>
      <OrderItems order={order} />
      <p className="total">Total {formatCents(order.totalCents)}</p>
      <p>
        <Link to="/tickets">See your tickets</Link> · <Link to="/orders">All your orders</Link>
      </p>
    </section>
  );
}

/** The buyer's orders, newest first, with refunds. */
export function OrdersPage() {
  const [orders, setOrders] = useState<Order[]>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState<string>();
  const eventName = useEventNames(orders?.map((o) => o.eventId) ?? []);
  useEffect(() => {
    ask(api.GET('/api/orders')).then(
      (r) => setOrders(r.orders),
      (err) => setError(messageOf(err)),
    );
  }, []);
  const refund = async (id: string) => {
    setBusy(id);
    setError(undefined);
    try {
      const { order } = await ask(api.POST('/api/orders/{id}/refund', { params: { path: { id } } }));
      setOrders((all) => all?.map((o) => (o.id === id ? order : o)));
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(undefined);
    }
  };
  return (
    <section>
      <h1>My orders</h1>
      <Alert message={error} />
      {!orders && !error && <p role="status">Loading your orders…</p>}
      {orders?.length === 0 && (
        <p>
          You have no orders yet. <Link to="/">Find an event</Link>.
        </p>
      )}
      <ul className="order-list">
        {orders?.map((order) => (
          <li key={order.id} className="panel">
            <h2>{eventName(order.eventId)}</h2>
            <p>
              <Link to={`/orders/${order.id}`}>Order {order.id.slice(0, 8)}</Link> · {formatDate(order.createdAt)} ·{' '}
              <span className="badge">{order.status}</span>
            </p>
            <OrderItems order={order} />
            <p className="total">Total {formatCents(order.totalCents)}</p>
            {order.status === 'completed' && (
              <button type="button" onClick={() => void refund(order.id)} disabled={busy === order.id}>
                Refund
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
