/**
 * Every business outcome an engine operation can refuse with. Operations return
 * `{ ok: false, code, ... }` for these; they throw only for faults (Redis down, a bug).
 */
export const ENGINE_FAILURE_CODES = [
  'event_not_found',
  'event_closed',
  'not_on_sale',
  /** the sales end (by default the event date) has passed */
  'sales_ended',
  /** the actor was loaded before it knew its sales end: reload its settings, then retry */
  'actor_outdated',
  'admission_required',
  'queue_not_enabled',
  'no_seats',
  'too_many_seats',
  'invalid_seat',
  'duplicate_seats',
  'seats_unavailable',
  'hold_limit_exceeded',
  'no_active_hold',
  'hold_extension_used',
  'hold_changed',
  'order_not_found',
  'order_not_refundable',
  'layout_mismatch',
  'bad_layout',
  /** the caller's rate limit of the endpoint class, applied by the operation's script */
  'rate_limited',
  /** a sale or refund was appended while a rebuild read Postgres: the actor is kept, retry */
  'sales_moved',
] as const;

export type EngineFailureCode = (typeof ENGINE_FAILURE_CODES)[number];

export interface EngineFailure<C extends EngineFailureCode = EngineFailureCode> {
  ok: false;
  code: C;
  /** seat indices the failure is about (unavailable, invalid, duplicate) */
  seats?: number[];
  detail?: string;
}

/** A reply from Redis that breaks a script's contract: a bug, never user input. */
export class EngineProtocolError extends Error {
  constructor(script: string, reply: unknown) {
    super(`unexpected reply from ${script}: ${JSON.stringify(reply)}`);
    this.name = 'EngineProtocolError';
  }
}
