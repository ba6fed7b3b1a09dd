import { eventIdOfKey } from '../engine/keys.js';

/** One entry of an event's sales stream, as written by confirmSale / refundOrder. */
export type SalesEntry =
  | {
      kind: 'sale';
      streamKey: string;
      streamId: string;
      eventId: string;
      orderId: string;
      userId: string;
      seats: number[];
      pricesCents: number[];
      idempotencyKey: string;
      paymentRef: string;
      atMs: number;
    }
  | { kind: 'refund'; streamKey: string; streamId: string; eventId: string; orderId: string; reason: string; atMs: number }
  | { kind: 'malformed'; streamKey: string; streamId: string; reason: string };

export type RawEntry = [id: string, fields: string[]];

function fieldMap(fields: string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i]!, fields[i + 1]!);
  return map;
}

const numbers = (list: string | undefined) => (list ? list.split(',').map(Number) : []);

export function parseSalesEntry(streamKey: string, [streamId, fields]: RawEntry): SalesEntry {
  const f = fieldMap(fields);
  const eventId = eventIdOfKey(streamKey);
  const orderId = f.get('order');
  const atMs = Number(f.get('at'));
  if (!eventId || !orderId || !Number.isFinite(atMs)) {
    return { kind: 'malformed', streamKey, streamId, reason: 'missing event, order or time' };
  }
  if (f.get('type') === 'refund') {
    return { kind: 'refund', streamKey, streamId, eventId, orderId, reason: f.get('reason') ?? 'requested', atMs };
  }
  const seats = numbers(f.get('seats'));
  const pricesCents = numbers(f.get('prices'));
  if (f.get('type') !== 'sale' || seats.length === 0 || seats.length !== pricesCents.length) {
    return { kind: 'malformed', streamKey, streamId, reason: 'not a sale or refund' };
  }
  return {
    kind: 'sale', streamKey, streamId, eventId, orderId, userId: f.get('user') ?? '', seats, pricesCents,
    idempotencyKey: f.get('idem') ?? '', paymentRef: f.get('payment') ?? '', atMs,
  };
}
