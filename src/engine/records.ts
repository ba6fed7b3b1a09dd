import { eventIdOfKey } from './keys.js';

/**
 * The records the Lua scripts write, decoded in one place (next to the scripts that
 * write them): hold records in the state hash, order records, sales stream entries.
 */

/** A hold record, field `s:<idx>` of the state hash: "<deadlineMs> <userId>" (lua/includes/holdRecords.lua). */
export function decodeHold(value: string | null | undefined): { deadlineMs: number; userId: string } {
  const [deadline = '0', userId = ''] = (value ?? '').split(' ');
  return { deadlineMs: Number(deadline), userId };
}

export interface ActorOrder {
  orderId: string;
  /** 'completed' or 'refunded' */
  status: string;
  userId: string;
  seats: number[];
}

/** An order record, field <orderId> of the orders hash: "<status> <userId> <idx,idx,...>" (confirmSale, refundOrder, loadEvent). */
export function decodeOrder(orderId: string, value: string): ActorOrder {
  const [status = '', userId = '', seats = ''] = value.split(' ');
  return { orderId, status, userId, seats: seats.split(',').map(Number) };
}

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
  | {
      kind: 'refund';
      streamKey: string;
      streamId: string;
      eventId: string;
      orderId: string;
      reason: string;
      atMs: number;
      seats: number[];
    }
  | { kind: 'malformed'; streamKey: string; streamId: string; reason: string };

export type RawEntry = [id: string, fields: string[]];

function fieldMap(fields: string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i]!, fields[i + 1]!);
  return map;
}

/** A comma-separated list of integers, as the scripts write seat indices and prices. */
export const decodeNumbers = (list: string | undefined) => (list ? list.split(',').map(Number) : []);

/** A sales stream entry (confirmSale, refundOrder): fields type, order, at, user, seats, prices, idem, payment, reason. */
export function parseSalesEntry(streamKey: string, [streamId, fields]: RawEntry): SalesEntry {
  const f = fieldMap(fields);
  const eventId = eventIdOfKey(streamKey);
  const orderId = f.get('order');
  const atMs = Number(f.get('at'));
  if (!eventId || !orderId || !Number.isFinite(atMs)) {
    return { kind: 'malformed', streamKey, streamId, reason: 'missing event, order or time' };
  }
  if (f.get('type') === 'refund') {
    return {
      kind: 'refund',
      streamKey,
      streamId,
      eventId,
      orderId,
      reason: f.get('reason') ?? 'requested',
      atMs,
      seats: decodeNumbers(f.get('seats')),
    };
  }
  const seats = decodeNumbers(f.get('seats'));
  const pricesCents = decodeNumbers(f.get('prices'));
  if (f.get('type') !== 'sale' || seats.length === 0 || seats.length !== pricesCents.length) {
    return { kind: 'malformed', streamKey, streamId, reason: 'not a sale or refund' };
  }
  return {
    kind: 'sale',
    streamKey,
    streamId,
    eventId,
    orderId,
    userId: f.get('user') ?? '',
    seats,
    pricesCents,
    idempotencyKey: f.get('idem') ?? '',
    paymentRef: f.get('payment') ?? '',
    atMs,
  };
}
