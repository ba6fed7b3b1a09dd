import { afterAll, beforeAll, expect } from 'vitest';
import type { TicketView } from '../../src/services/tickets.js';
import { startApi, type ApiFixture } from './api.js';
import { seedEvent } from './world.js';

export interface Account {
  id: string;
  token: string;
  email: string;
}

/** A user (or scanner, or admin) with a session, and the email others transfer to. */
export async function account(api: ApiFixture, role: 'user' | 'admin' | 'scanner' = 'user'): Promise<Account> {
  const user = await api.user(role);
  return { ...user, email: `${user.id}@example.test` };
}

/** Reserves and buys the seats over HTTP; returns the order id and its tickets as the buyer lists them. */
export async function buyTickets(api: ApiFixture, buyer: Account, eventId: string, seatIds: string[]) {
  const held = await api.call('POST', '/api/seats/reserve', { token: buyer.token, body: { eventId, seatIds } });
  expect(held.status).toBe(201);
  const bought = await api.call('POST', '/api/checkout', {
    token: buyer.token,
    headers: { 'idempotency-key': `buy-${seatIds.join('-').slice(0, 200)}` },
    body: { eventId, payment: { method: 'card', token: 'tok_visa' } },
  });
  expect(bought.status).toBe(201);
  const orderId: string = (await bought.json()).order.id;
  const { tickets } = await (await api.call('GET', '/api/tickets', { token: buyer.token })).json();
  return { orderId, tickets: (tickets as TicketView[]).filter((t) => t.orderId === orderId) };
}

export async function codeOf(api: ApiFixture, holder: Account, ticketId: string): Promise<string> {
  const res = await api.call('GET', `/api/tickets/${ticketId}/code`, { token: holder.token });
  expect(res.status).toBe(200);
  return (await res.json()).code;
}

export const checkIn = (api: ApiFixture, scanner: Account, body: Record<string, unknown>) =>
  api.call('POST', '/api/checkin', { token: scanner.token, body });

/** A running API with an on-sale event of 100 seats, a scanner and an admin, and the calls ticket tests make. */
export async function ticketWorld() {
  const api = await startApi();
  const world = await seedEvent(api.db.pool, api.fx.engine, { rows: 10, seatsPerRow: 10 });
  const [scanner, admin] = [await account(api, 'scanner'), await account(api, 'admin')];
  let next = 0;
  return {
    api,
    world,
    scanner,
    admin,
    /** seats nobody bought yet in the shared event */
    freshSeats: (n: number) => world.seatIds.slice(next, (next += n)),
    listOf: async (who: Account) =>
      (await (await api.call('GET', '/api/tickets', { token: who.token })).json()).tickets,
    transfer: (from: Account, ticketId: string, toEmail: string) =>
      api.call('POST', `/api/tickets/${ticketId}/transfer`, { token: from.token, body: { toEmail } }),
  };
}

export type TicketWorld = Awaited<ReturnType<typeof ticketWorld>>;

/** The ticket world of one test file: built before its tests, closed after them. */
export function useTicketWorld(): TicketWorld {
  const world = {} as TicketWorld;
  beforeAll(async () => {
    Object.assign(world, await ticketWorld());
  });
  afterAll(() => world.api.close());
  return world;
}
