import { EngineProtocolError, type EngineFailure, type EngineFailureCode } from './errors.js';

/**
 * Every script's replies, exactly as its header's `Returns` and `Errors` lines list them
 * (tests/engine/replyProtocol.test.ts holds the two together). A reply that opens with
 * anything else is a broken contract and throws: an unknown status is never taken for
 * success. Scripts that answer with bare integers (no status) are marked `integers`.
 */
export const SCRIPT_REPLIES = {
  admitBuyers: { statuses: ['ok', 'skipped'], errors: [] },
  closeEvent: { statuses: ['ok'], errors: ['event_not_found'] },
  dropActor: { statuses: ['ok'], errors: ['sales_moved'] },
  configureQueue: { statuses: ['ok'], errors: ['event_not_found'] },
  confirmSale: {
    statuses: ['ok', 'replay'],
    errors: [
      'event_not_found',
      'event_closed',
      'sales_ended',
      'not_on_sale',
      'actor_outdated',
      'no_active_hold',
      'hold_changed',
    ],
  },
  extendHold: {
    statuses: ['ok'],
    errors: [
      'event_not_found',
      'event_closed',
      'sales_ended',
      'not_on_sale',
      'actor_outdated',
      'no_active_hold',
      'hold_extension_used',
    ],
  },
  getHold: { statuses: ['ok', 'bought'], errors: ['event_not_found', 'rate_limited'] },
  joinQueue: {
    statuses: ['waiting', 'admitted'],
    errors: ['event_not_found', 'queue_not_enabled', 'event_closed', 'rate_limited'],
  },
  leaveQueue: { statuses: ['ok'], errors: [] },
  limitRate: 'integers',
  loadEvent: { statuses: ['loaded', 'already_loaded'], errors: ['layout_mismatch', 'bad_layout'] },
  queuePosition: {
    statuses: ['waiting', 'admitted', 'expired', 'not_queued'],
    errors: ['event_not_found', 'queue_not_enabled', 'rate_limited'],
  },
  refundOrder: { statuses: ['ok'], errors: ['event_not_found', 'order_not_found', 'order_not_refundable'] },
  releaseSeats: {
    statuses: ['ok'],
    errors: ['event_not_found', 'no_seats', 'too_many_seats', 'invalid_seat', 'duplicate_seats', 'rate_limited'],
  },
  reserveBestSeats: {
    statuses: ['ok'],
    errors: [
      'event_not_found',
      'event_closed',
      'sales_ended',
      'not_on_sale',
      'actor_outdated',
      'admission_required',
      'no_seats',
      'too_many_seats',
      'bad_layout',
      'seats_unavailable',
      'hold_limit_exceeded',
      'rate_limited',
    ],
  },
  reserveSeats: {
    statuses: ['ok'],
    errors: [
      'event_not_found',
      'event_closed',
      'sales_ended',
      'not_on_sale',
      'actor_outdated',
      'admission_required',
      'no_seats',
      'too_many_seats',
      'invalid_seat',
      'duplicate_seats',
      'seats_unavailable',
      'hold_limit_exceeded',
      'rate_limited',
    ],
  },
  snapshotEvent: { statuses: ['ok'], errors: ['event_not_found'] },
  sweepHolds: 'integers',
  trimSales: 'integers',
} as const satisfies Record<string, { statuses: readonly string[]; errors: readonly EngineFailureCode[] } | 'integers'>;

type Replies = typeof SCRIPT_REPLIES;
/** Scripts whose replies open with a status. */
export type StatusScript = { [S in keyof Replies]: Replies[S] extends 'integers' ? never : S }[keyof Replies];
export type StatusOf<S extends StatusScript> = Replies[S]['statuses'][number];
export type ErrorOf<S extends StatusScript> = Replies[S]['errors'][number];

/**
 * Splits a reply into its status and the rest when the status is one the script lists as
 * a result; turns a listed error into an EngineFailure; throws on anything else.
 */
export function readReply<S extends StatusScript>(
  script: S,
  reply: unknown,
): { status: StatusOf<S>; rest: unknown[] } | EngineFailure<ErrorOf<S>> {
  if (!Array.isArray(reply) || typeof reply[0] !== 'string') throw new EngineProtocolError(script, reply);
  const [status, ...rest] = reply as [string, ...unknown[]];
  const { statuses, errors } = SCRIPT_REPLIES[script] as { statuses: readonly string[]; errors: readonly string[] };
  if (statuses.includes(status)) return { status: status as StatusOf<S>, rest };
  if (!errors.includes(status)) throw new EngineProtocolError(script, reply);
  const code = status as ErrorOf<S>;
  const failure: EngineFailure<ErrorOf<S>> = { ok: false, code };
  if (status === 'seats_unavailable' || status === 'duplicate_seats')
    failure.seats = rest.map(Number).filter((n) => Number.isInteger(n));
  else if (rest.length > 0) failure.detail = String(rest[0]);
  return failure;
}

/** A reply of exactly `count` integers (scripts marked `integers`); throws on anything else. */
export function readIntegers(script: keyof Replies, reply: unknown, count: number): number[] {
  if (!Array.isArray(reply) || reply.length !== count || !reply.every((n) => Number.isInteger(n))) {
    throw new EngineProtocolError(script, reply);
  }
  return reply as number[];
}
