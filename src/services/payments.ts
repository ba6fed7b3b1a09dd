import { createHash } from 'node:crypto';

export type PaymentResult = { ok: true; reference: string } | { ok: false; code: 'payment_declined' };

/**
 * The simulated payment provider: `tok_visa` pays, anything else is declined. Idempotent by
 * key: the same key always yields the same reference, so a retried checkout charges once.
 */
export function charge(idempotencyKey: string, token: string, _amountCents: number): PaymentResult {
  if (token !== 'tok_visa') return { ok: false, code: 'payment_declined' };
  return { ok: true, reference: `pay_${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 24)}` };
}
