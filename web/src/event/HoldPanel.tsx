import { useEffect, useState } from 'react';
import { api, ask, messageOf } from '../api/client';
import type { Hold, Layout, Order } from '../api/types';
import { Alert } from '../Alert';
import { formatCents, formatCountdown } from '../format';
import { CheckoutForm } from './CheckoutForm';

interface Props {
  eventId: string;
  hold: Hold;
  layout: Layout;
  indexOf(seatId: string): number | undefined;
  onHold(hold: Hold | undefined): void;
  onPaid(order: Order): void;
}

const secondsLeft = (expiresAt: string) => Math.max(0, Math.round((Date.parse(expiresAt) - Date.now()) / 1000));

/** The buyer's held seats: the countdown, Extend hold, Release, and Check out. */
export function HoldPanel({ eventId, hold, layout, indexOf, onHold, onPaid }: Props) {
  const [left, setLeft] = useState(() => secondsLeft(hold.expiresAt));
  const [checkingOut, setCheckingOut] = useState(false);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    setLeft(secondsLeft(hold.expiresAt));
    const timer = setInterval(() => setLeft(secondsLeft(hold.expiresAt)), 1000);
    return () => clearInterval(timer);
  }, [hold.expiresAt]);

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  const extend = () => run(async () => onHold((await ask(api.POST('/api/seats/extend', { body: { eventId } }))).hold));
  const release = () =>
    run(async () => {
      await ask(api.DELETE('/api/seats/release', { body: { eventId, seatIds: hold.seatIds } }));
      onHold(undefined);
    });

  if (left === 0) {
    return (
      <section className="panel hold" aria-labelledby="hold-title">
        <h2 id="hold-title">Your hold expired</h2>
        <p>The seats went back on sale. Pick seats again to continue.</p>
        <button type="button" onClick={() => onHold(undefined)}>
          Choose again
        </button>
      </section>
    );
  }
  return (
    <section className="panel hold" aria-labelledby="hold-title">
      <h2 id="hold-title">Your seats are held</h2>
      <ul className="seat-list">
        {hold.seatIds.map((id) => {
          const seat = layout.seats[indexOf(id) ?? -1];
          return (
            <li key={id}>
              {seat
                ? `Section ${seat.section}, row ${seat.row}, seat ${seat.number} · ${formatCents(seat.priceCents)}`
                : 'A seat'}
            </li>
          );
        })}
      </ul>
      <p className="total">Total {formatCents(hold.totalCents)}</p>
      <p>
        Time left to check out:{' '}
        <span role="timer" className="timer">
          {formatCountdown(left)}
        </span>
      </p>
      <div className="actions">
        <button type="button" onClick={() => void extend()} disabled={busy}>
          Extend hold
        </button>
        <button type="button" onClick={() => void release()} disabled={busy}>
          Release seats
        </button>
        {!checkingOut && (
          <button type="button" className="primary" onClick={() => setCheckingOut(true)}>
            Check out
          </button>
        )}
      </div>
      <Alert message={error} />
      {checkingOut && <CheckoutForm eventId={eventId} onPaid={onPaid} />}
    </section>
  );
}
