import { expect } from 'vitest';
import type { TicketView } from '../../src/services/tickets.js';
import type { ApiFixture } from './api.js';

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
    token: buyer.token, headers: { 'idempotency-key': `buy-${seatIds.join('-').slice(0, 200)}` },
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
