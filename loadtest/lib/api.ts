import http, { type RefinedResponse, type ResponseType } from 'k6/http';
import { BASE_URL } from './config.ts';

/**
 * What a correct server may answer without it being a failure: losing a seat race is a
 * clean 409, and a checkout whose sale is not durable yet is a 503 to retry. Only these
 * steps accept them; anything else outside 2xx counts in `http_req_failed`.
 */
const EXPECTED: Partial<Record<Step, ReturnType<typeof http.expectedStatuses>>> = {
  reserve: http.expectedStatuses({ min: 200, max: 299 }, 409),
  checkout: http.expectedStatuses({ min: 200, max: 299 }, 409, 503),
};

/** Every request is tagged with its step, so thresholds and summaries can be per step. */
type Step = 'search' | 'event' | 'seatmap' | 'join' | 'position' | 'reserve' | 'release' | 'checkout' | 'stats';

function request(
  step: Step,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  return http.request(method, `${BASE_URL}${path}`, body === undefined ? null : JSON.stringify(body), {
    headers: {
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    tags: { step },
    ...(EXPECTED[step] ? { responseCallback: EXPECTED[step] } : {}),
  });
}

export interface Seat {
  id: string;
  status: 'available' | 'held' | 'sold';
}

export interface Standing {
  status: 'waiting' | 'admitted' | 'expired' | 'not_queued';
  position: number;
  queueLength: number;
  estimatedWaitSeconds: number;
}

export const json = <T>(res: RefinedResponse<ResponseType | undefined>) => res.json() as unknown as T;

export const api = {
  searchEvents: (query: string) => request('search', 'GET', `/api/events?${query}`),
  event: (id: string) => request('event', 'GET', `/api/events/${id}`),
  seatMap: (eventId: string) => request('seatmap', 'GET', `/api/events/${eventId}/seats`),
  join: (eventId: string, token: string) => request('join', 'POST', `/api/queue/${eventId}/join`, token),
  position: (eventId: string, token: string) => request('position', 'GET', `/api/queue/${eventId}/position`, token),
  reserve: (eventId: string, seatIds: string[], token: string) =>
    request('reserve', 'POST', '/api/seats/reserve', token, { eventId, seatIds }),
  release: (eventId: string, seatIds: string[], token: string) =>
    request('release', 'DELETE', '/api/seats/release', token, { eventId, seatIds }),
  checkout: (eventId: string, token: string, idempotencyKey: string) =>
    request(
      'checkout',
      'POST',
      '/api/checkout',
      token,
      { eventId, payment: { method: 'card', token: 'tok_visa' } },
      { 'Idempotency-Key': idempotencyKey },
    ),
  stats: (eventId: string, adminToken: string) =>
    request('stats', 'GET', `/api/admin/events/${eventId}/stats`, adminToken),
};

/** Up to `n` seats picked at random among the available ones. */
export function pickAvailable(seats: Seat[], n: number): string[] {
  const free = seats.filter((s) => s.status === 'available');
  const picked: string[] = [];
  while (picked.length < Math.min(n, free.length)) {
    const seat = free[Math.floor(Math.random() * free.length)]!;
    if (!picked.includes(seat.id)) picked.push(seat.id);
  }
  return picked;
}
