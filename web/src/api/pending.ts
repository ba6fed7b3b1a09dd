/**
 * Operations the API contract promises that the OpenAPI document does not describe yet
 * (they are being built). Each one drops out of use by itself once /openapi.json has it:
 * client.ts takes the generated description first. Delete an entry when it has landed.
 */
import type { components } from './schema.gen';

type Problem = components['schemas']['Problem'];
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

export interface PendingPaths {
  '/api/admin/orders': Get<{ orders: Order[]; nextCursor: string | null }, never, {
    email?: string; eventId?: string; status?: string; from?: string; to?: string; limit?: number; cursor?: string;
  }>;
}
