import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as s from '../../src/http/schemas.js';
import { rebuildActor } from '../../src/persist/rebuild.js';
import { startApi, type ApiFixture } from '../support/api.js';
import { account, buyTickets, checkIn, codeOf, type Account } from '../support/tickets.js';
import { seedEvent, type SeededEvent } from '../support/world.js';

let api: ApiFixture;
let world: SeededEvent;
let scanner: Account;
let admin: Account;
let next = 0;
const freshSeats = (n: number) => world.seatIds.slice(next, (next += n));

beforeAll(async () => {
  api = await startApi();
  world = await seedEvent(api.db.pool, api.fx.engine, { rows: 10, seatsPerRow: 10 });
  [scanner, admin] = [await account(api, 'scanner'), await account(api, 'admin')];
});
afterAll(() => api.close());

const listOf = async (who: Account) => (await (await api.call('GET', '/api/tickets', { token: who.token })).json()).tickets;
const transfersOf = async (who: Account) => (await (await api.call('GET', '/api/tickets/transfers', { token: who.token })).json()).transfers;
const transfer = (from: Account, ticketId: string, toEmail: string) =>
  api.call('POST', `/api/tickets/${ticketId}/transfer`, { token: from.token, body: { toEmail } });
const counts = async (eventId = world.eventId) => (await (await api.call('GET', `/api/events/${eventId}/seats`)).json()).counts;
const metric = async (name: string) => {
  const text = await (await api.call('GET', '/metrics')).text();
  return Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
};
async function expectProblem(res: Response, status: number, code: string, extra: Record<string, unknown> = {}) {
  expect(res.status).toBe(status);
  expect(await res.json()).toMatchObject({ code, ...extra });
}

describe('transfer by email', () => {
  it('moves the ticket to the recipient: listed, logged and counted on both accounts, no new capacity', async () => {
    const [buyer, friend] = [await account(api), await account(api)];
    const { tickets: [ticket, kept] } = await buyTickets(api, buyer, world.eventId, freshSeats(2));
    const before = await counts();
    const transferredBefore = await metric('tickets_transferred_total');
    const res = await transfer(buyer, ticket!.id, friend.email.toUpperCase());
    expect(res.status).toBe(200);
    expect(s.ticketSchema.parse((await res.json()).ticket)).toEqual({ ...ticket, status: 'valid', checkedInAt: null });
    expect(await listOf(buyer)).toEqual([kept]);
    expect(await listOf(friend)).toEqual([ticket]);
    expect(await counts()).toEqual(before);
    expect(await metric('tickets_transferred_total')).toBe(transferredBefore + 1);
    const sent = await transfersOf(buyer);
    const received = await transfersOf(friend);
    expect(s.transferSchema.array().parse(sent)).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      ticketId: ticket!.id, eventId: world.eventId, direction: 'sent', fromEmail: buyer.email, toEmail: friend.email,
      seat: { section: ticket!.section, row: ticket!.row, number: ticket!.number },
    });
    expect(received).toEqual([{ ...sent[0], direction: 'received' }]);
    // the order still shows both seats to its buyer
    const order = await (await api.call('GET', `/api/orders/${ticket!.orderId}`, { token: buyer.token })).json();
    expect(order.order.items).toHaveLength(2);
    // the buyer no longer holds it: no code, no second transfer
    await expectProblem(await api.call('GET', `/api/tickets/${ticket!.id}/code`, { token: buyer.token }), 404, 'not_found');
    await expectProblem(await transfer(buyer, ticket!.id, buyer.email), 404, 'not_found');
    // the recipient may pass it on
    const third = await account(api);
    expect((await transfer(friend, ticket!.id, third.email)).status).toBe(200);
    expect(await listOf(third)).toEqual([ticket]);
  });

  it('refuses an unknown recipient (422), oneself (422), someone else\'s ticket (404), and changes nothing', async () => {
    const [buyer, stranger] = [await account(api), await account(api)];
    const { tickets: [ticket] } = await buyTickets(api, buyer, world.eventId, freshSeats(1));
    await expectProblem(await transfer(buyer, ticket!.id, 'nobody@example.test'), 422, 'recipient_not_found');
    await expectProblem(await transfer(buyer, ticket!.id, buyer.email), 422, 'transfer_to_self');
    await expectProblem(await transfer(stranger, ticket!.id, stranger.email), 404, 'not_found');
    await expectProblem(await transfer(stranger, '00000000-0000-4000-8000-000000000000', buyer.email), 404, 'not_found');
    await expectProblem(await transfer(buyer, ticket!.id, 'not an email'), 400, 'validation_failed');
    expect(await listOf(buyer)).toEqual([ticket]);
    expect(await transfersOf(buyer)).toEqual([]);
    const { rows } = await api.db.pool.query('SELECT version FROM tickets WHERE id = $1', [ticket!.id]);
    expect(rows).toEqual([{ version: 1 }]);
  });

  it('refuses a checked-in or refunded ticket and a ticket of an event over or cancelled (409 ticket_not_transferable)', async () => {
    const [buyer, friend] = [await account(api), await account(api)];
    const { tickets: [used] } = await buyTickets(api, buyer, world.eventId, freshSeats(1));
    expect((await checkIn(api, scanner, { code: await codeOf(api, buyer, used!.id) })).status).toBe(200);
    await expectProblem(await transfer(buyer, used!.id, friend.email), 409, 'ticket_not_transferable', { reason: 'checked_in' });

    const { orderId, tickets: [refunded] } = await buyTickets(api, buyer, world.eventId, freshSeats(1));
    expect((await api.call('POST', `/api/orders/${orderId}/refund`, { token: buyer.token })).status).toBe(200);
    await expectProblem(await transfer(buyer, refunded!.id, friend.email), 409, 'ticket_not_transferable', { reason: 'refunded' });

    const past = await seedEvent(api.db.pool, api.fx.engine, { rows: 1, seatsPerRow: 2 });
    const { tickets: [late] } = await buyTickets(api, buyer, past.eventId, [past.seatIds[0]!]);
    await api.db.pool.query('UPDATE events SET event_date = $2 WHERE id = $1', [past.eventId, new Date(api.fx.clock.now())]);
    await expectProblem(await transfer(buyer, late!.id, friend.email), 409, 'ticket_not_transferable', { reason: 'event_over' });

    const doomed = await seedEvent(api.db.pool, api.fx.engine, { rows: 1, seatsPerRow: 2 });
    const { tickets: [gone] } = await buyTickets(api, buyer, doomed.eventId, [doomed.seatIds[0]!]);
    await api.db.pool.query(`UPDATE events SET state = 'cancelled' WHERE id = $1`, [doomed.eventId]);
    await expectProblem(await transfer(buyer, gone!.id, friend.email), 409, 'ticket_not_transferable', { reason: 'event_cancelled' });
    expect(await listOf(friend)).toEqual([]);
  });
});

describe('refunds and cancellation with transferred and checked-in tickets', () => {
  it('the buyer cannot refund an order once a ticket of it was used or given away; an admin can', async () => {
    const [buyer, friend] = [await account(api), await account(api)];
    const { orderId, tickets: [used, given, kept] } = await buyTickets(api, buyer, world.eventId, freshSeats(3));
    const usedAt = new Date(api.fx.clock.now()).toISOString();
    expect((await checkIn(api, scanner, { code: await codeOf(api, buyer, used!.id) })).status).toBe(200);
    await expectProblem(await api.call('POST', `/api/orders/${orderId}/refund`, { token: buyer.token }), 409, 'order_not_refundable', { reason: 'checked_in' });

    const { orderId: second, tickets: [away] } = await buyTickets(api, buyer, world.eventId, freshSeats(1));
    expect((await transfer(buyer, away!.id, friend.email)).status).toBe(200);
    await expectProblem(await api.call('POST', `/api/orders/${second}/refund`, { token: buyer.token }), 409, 'order_not_refundable', { reason: 'transferred' });
    expect((await transfer(buyer, given!.id, friend.email)).status).toBe(200);

    // An admin's refund goes through: every ticket is refunded, the used one keeps its check-in time.
    const before = await counts();
    const refunded = await api.call('POST', `/api/orders/${orderId}/refund`, { token: admin.token });
    expect(refunded.status).toBe(200);
    expect((await refunded.json()).order.status).toBe('refunded');
    expect(await counts()).toEqual({ ...before, available: before.available + 3, sold: before.sold - 3 });
    expect((await listOf(buyer)).filter((t: { orderId: string }) => t.orderId === orderId)).toEqual([
      { ...used, status: 'refunded', checkedInAt: usedAt }, { ...kept, status: 'refunded' },
    ]);
    expect((await listOf(friend)).find((t: { id: string }) => t.id === given!.id)).toEqual({ ...given, status: 'refunded' });
    // a refunded ticket's code no longer admits, nor can it be checked in again
    await expectProblem(await checkIn(api, scanner, { code: await codeOf(api, friend, given!.id) }), 409, 'ticket_refunded');
    await expectProblem(await checkIn(api, scanner, { code: await codeOf(api, buyer, kept!.id) }), 409, 'ticket_refunded');
    // its seats are on sale again and may be sold to someone else
    const again = await account(api);
    await buyTickets(api, again, world.eventId, [used!.seatId]);
  });

  it('cancelling an event refunds every ticket, transferred and checked in alike', async () => {
    const event = await seedEvent(api.db.pool, api.fx.engine, { rows: 1, seatsPerRow: 6 });
    const [buyer, friend] = [await account(api), await account(api)];
    const { tickets: [used, given, plain] } = await buyTickets(api, buyer, event.eventId, event.seatIds.slice(0, 3));
    expect((await checkIn(api, scanner, { code: await codeOf(api, buyer, used!.id) })).status).toBe(200);
    expect((await transfer(buyer, given!.id, friend.email)).status).toBe(200);
    const cancelled = await api.call('POST', `/api/admin/events/${event.eventId}/cancel`, { token: admin.token });
    expect(cancelled.status).toBe(200);
    expect((await cancelled.json()).refundedOrders).toBe(1);
    expect((await listOf(buyer)).filter((t: { eventId: string }) => t.eventId === event.eventId).map((t: { id: string; status: string }) => [t.id, t.status]))
      .toEqual([[used!.id, 'refunded'], [plain!.id, 'refunded']]);
    expect((await listOf(friend)).map((t: { id: string; status: string }) => [t.id, t.status])).toEqual([[given!.id, 'refunded']]);
    expect(await counts(event.eventId)).toMatchObject({ sold: 0 });
  });

  it('a checked-in seat stays sold when the actor is rebuilt from Postgres', async () => {
    const event = await seedEvent(api.db.pool, api.fx.engine, { rows: 1, seatsPerRow: 3 });
    const buyer = await account(api);
    const { tickets: [ticket] } = await buyTickets(api, buyer, event.eventId, [event.seatIds[1]!]);
    expect((await checkIn(api, scanner, { code: await codeOf(api, buyer, ticket!.id) })).status).toBe(200);
    await api.fx.engine.dropActor(event.eventId);
    await rebuildActor({ engine: api.fx.engine, pool: api.db.pool }, event.eventId);
    expect(await counts(event.eventId)).toEqual({ total: 3, available: 2, held: 0, sold: 1 });
  });
});
