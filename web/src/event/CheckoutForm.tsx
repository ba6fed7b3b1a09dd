import { useRef, useState, type FormEvent } from 'react';
import { api, ApiError, messageOf, problemError, networkError } from '../api/client';
import type { Order } from '../api/types';
import { Alert } from '../Alert';

/** A fresh Idempotency-Key (works on plain-HTTP hosts too, where randomUUID is missing). */
const newKey = () =>
  Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
const RETRIES = 3;
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function checkout(eventId: string, token: string, key: string): Promise<Order> {
  let result;
  try {
    result = await api.POST('/api/checkout', {
      params: { header: { 'Idempotency-Key': key } },
      body: { eventId, payment: { method: 'card', token } },
    });
  } catch {
    throw networkError();
  }
  if (!result.response.ok) throw problemError(result.response, result.error);
  return result.data!.order;
}

/**
 * Card token, then Pay. A retry after a lost answer (network error, 503, a checkout still in
 * flight) reuses the same Idempotency-Key, so the buyer is never charged twice; a declined card
 * keeps the hold and the next attempt is a new payment with a new key.
 */
export function CheckoutForm({ eventId, onPaid }: { eventId: string; onPaid(order: Order): void }) {
  const [token, setToken] = useState('tok_visa');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const key = useRef<{ key: string; token: string } | undefined>(undefined);

  const pay = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    // The same key only for the same payment: another token is another request.
    if (key.current?.token !== token) key.current = { key: newKey(), token };
    const { key: idempotencyKey } = key.current;
    for (let attempt = 1; ; attempt++) {
      try {
        const order = await checkout(eventId, token, idempotencyKey);
        key.current = undefined;
        onPaid(order);
        return;
      } catch (err) {
        const retryable =
          err instanceof ApiError && (err.status === 0 || err.status === 503 || err.code === 'idempotency_in_progress');
        if (retryable && attempt < RETRIES) {
          await wait(attempt * 1000);
          continue;
        }
        if (!retryable) key.current = undefined;
        setError(messageOf(err));
        setBusy(false);
        return;
      }
    }
  };

  return (
    <form className="checkout" onSubmit={pay}>
      <label>
        Card token
        <input
          name="token"
          value={token}
          onChange={(e) => setToken(e.target.value)}
          autoComplete="off"
          spellCheck={false}
          required
        />
      </label>
      <p className="hint">
        Test card tokens: <code>tok_visa</code> is approved, <code>tok_declined</code> is declined.
      </p>
      <button type="submit" className="primary" disabled={busy}>
        Pay
      </button>
      {busy && <p role="status">Paying…</p>}
      <Alert message={error} />
    </form>
  );
}
