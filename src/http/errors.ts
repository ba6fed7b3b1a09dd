import type { EngineFailureCode } from '../engine/errors.js';
import type { TicketRefusal } from '../services/tickets.js';

/** The HTTP layer's one error type: a stable code, a status, and extra problem fields. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** RFC 9457 problem document. */
export function problemBody(err: AppError, instance: string) {
  return {
    type: `https://tickets.example/problems/${err.code}`,
    title: TITLES[err.status] ?? 'Error',
    status: err.status,
    detail: err.message,
    code: err.code,
    instance,
    ...err.extra,
  };
}

/** The one table from engine (and ticket workflow) refusals to HTTP answers. */
const ENGINE_TO_HTTP: Record<EngineFailureCode | TicketRefusal, [status: number, code: string, detail: string]> = {
  event_not_found: [404, 'not_found', 'No such event.'],
  event_closed: [409, 'event_not_on_sale', 'This event is not on sale.'],
  not_on_sale: [409, 'event_not_on_sale', 'This event is not on sale yet.'],
  sales_ended: [409, 'event_not_on_sale', 'Sales for this event have ended.'],
  actor_outdated: [503, 'service_unavailable', 'The event is being restored; retry in a moment.'],
  admission_required: [403, 'queue_admission_required', 'Join the waiting room and wait for admission first.'],
  queue_not_enabled: [409, 'queue_not_enabled', 'This event has no waiting room.'],
  no_seats: [400, 'validation_failed', 'Name at least one seat.'],
  too_many_seats: [400, 'validation_failed', 'Too many seats in one request.'],
  invalid_seat: [400, 'validation_failed', 'A seat does not belong to this event.'],
  duplicate_seats: [400, 'validation_failed', 'A seat is named twice.'],
  seats_unavailable: [409, 'seats_unavailable', 'Some seats are no longer available.'],
  hold_limit_exceeded: [409, 'hold_limit_exceeded', 'You may hold at most the per-event limit of seats.'],
  no_active_hold: [409, 'no_active_hold', 'You hold no seats for this event, or your hold expired.'],
  hold_extension_used: [409, 'hold_extension_used', 'This hold was extended already; a hold is extended once.'],
  hold_changed: [409, 'hold_changed', 'Your held seats changed during checkout; please retry.'],
  order_not_found: [404, 'not_found', 'No such order.'],
  order_not_refundable: [409, 'order_not_refundable', 'This order cannot be refunded.'],
  layout_mismatch: [409, 'layout_mismatch', 'The event already has a different seat inventory.'],
  bad_layout: [400, 'validation_failed', 'The seat inventory is not valid.'],
  // answered with its Retry-After and RateLimit-* headers by src/http/middleware/rateLimit.ts (applyRate)
  rate_limited: [429, 'rate_limited', 'Too many requests.'],
  // a rebuild's fenced drop (never a request's answer; kept for completeness of the table)
  sales_moved: [503, 'service_unavailable', 'The event is being restored; retry in a moment.'],
  // refusals of the ticket workflows (src/services/tickets.ts)
  ticket_not_found: [404, 'not_found', 'No such ticket.'],
  recipient_not_found: [422, 'recipient_not_found', 'No account has that email address.'],
  transfer_to_self: [422, 'transfer_to_self', 'You hold this ticket already; name someone else.'],
  ticket_not_transferable: [409, 'ticket_not_transferable', 'This ticket can no longer be transferred.'],
  invalid_code: [400, 'invalid_code', 'This code is not valid: forged, expired or replaced by a newer one.'],
  already_checked_in: [409, 'already_checked_in', 'This ticket was checked in already.'],
  ticket_refunded: [409, 'ticket_refunded', 'This ticket was refunded.'],
  wrong_event: [409, 'wrong_event', 'This ticket is for another event.'],
};

export function engineError(code: EngineFailureCode | TicketRefusal, extra: Record<string, unknown> = {}): AppError {
  const [status, appCode, detail] = ENGINE_TO_HTTP[code];
  return new AppError(status, appCode, detail, extra);
}

/** The ticket workflows' refusals go through the same table. */
export const ticketError = (code: TicketRefusal, extra: Record<string, unknown> = {}) => engineError(code, extra);

export const notFound = (what = 'resource') => new AppError(404, 'not_found', `No such ${what}.`);
export const unavailable = (detail: string, retryAfterSeconds = 1, code = 'service_unavailable') =>
  new AppError(503, code, detail, {}, { 'Retry-After': String(retryAfterSeconds) });

/** A webhook URL that points at a refused address (loopback, private, ...) or is not http(s). */
export const webhookUrlRefused = (detail: string) => new AppError(400, 'webhook_url_refused', detail);
