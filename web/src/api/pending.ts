/**
 * Operations the API contract promises that the OpenAPI document does not describe yet
 * (they are being built). Each one drops out of use by itself once /openapi.json has it:
 * client.ts takes the generated description first. Delete an entry when it has landed.
 */
import type { components } from './schema.gen';

type Problem = components['schemas']['Problem'];
type Counts = { total: number; available: number; held: number; sold: number };
type Hold = { hold: { eventId: string; seatIds: string[]; expiresAt: string; totalCents: number } };
export type Ticket = {
  id: string; orderId: string; eventId: string; seatId: string; section: string; row: string; number: string;
  status: 'valid' | 'refunded' | 'checked_in'; checkedInAt: string | null;
};
type Order = {
  id: string; userId: string; eventId: string; status: 'completed' | 'refunded' | 'cancelled'; totalCents: number;
  currency: 'USD'; createdAt: string; items: { seatId: string; section: string; row: string; number: string; priceCents: number }[];
};

type Json<T> = { headers: Record<string, unknown>; content: { 'application/json': T } };
type Failure = { default: { headers: Record<string, unknown>; content: { 'application/problem+json': Problem } } };
type Params<Path, Query> = { query?: Query; header?: never; cookie?: never } & ([Path] extends [never] ? { path?: never } : { path: Path });
type Get<Res, Path = never, Query = never> = {
  parameters: Params<Path, Query>; get: { parameters: Params<Path, Query>; requestBody?: never; responses: { 200: Json<Res> } & Failure };
};
type Post<Body, Res, Status extends number = 200, Path = never> = {
  parameters: Params<Path, never>;
  post: { parameters: Params<Path, never>; requestBody: { content: { 'application/json': Body } }; responses: { [S in Status]: Json<Res> } & Failure };
};

export interface PendingPaths {
  '/api/events/{id}/layout': Get<{
    eventId: string; layoutVersion: number;
    sections: { name: string; rows: number; seatsPerRow: number; priceCents: number }[];
    seats: { id: string; section: string; row: string; number: string; priceCents: number }[];
  }, { id: string }>;
  '/api/events/{id}/availability': Get<{ eventId: string; version: number; counts: Counts; states: string }, { id: string }>;
  '/api/seats/extend': Post<{ eventId: string }, Hold>;
  '/api/seats/best': Post<{ eventId: string; quantity: number; section?: string; maxPriceCents?: number }, Hold, 201>;
  '/api/tickets': Get<{ tickets: Ticket[] }>;
  '/api/tickets/{id}/transfer': Post<{ toEmail: string }, { ticket: Ticket }, 200, { id: string }>;
  '/api/admin/orders': Get<{ orders: Order[]; nextCursor: string | null }, never, {
    email?: string; eventId?: string; status?: string; from?: string; to?: string; limit?: number; cursor?: string;
  }>;
}
