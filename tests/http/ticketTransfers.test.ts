import { describe, expect, it } from 'vitest';
import * as s from '../../src/http/schemas.js';
import { rebuildActor } from '../../src/persist/rebuild.js';
import { account, buyTickets, checkIn, codeOf, useTicketWorld, type Account } from '../support/tickets.js';
import { seedEvent } from '../support/world.js';
import { expectAnswersDocumented } from '../support/documentedResponses.js';

const t = useTicketWorld();
const transfersOf = async (who: Account) =>
  (await (await t.api.call('GET', '/api/tickets/transfers', { token: who.token })).json()).transfers;
const counts = async (eventId = t.world.eventId) =>
  (await (await t.api.call('GET', `/api/events/${eventId}/seats`)).json()).counts;
const metric = async (name: string) => {
  const text = await (await t.api.call('GET', '/metrics')).text();
  return Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
};
async function expectProblem(res: Response, status: number, code: string, extra: Record<string, unknown> = {}) {
  expect(res.status).toBe(status);
  expect(await res.json()).toMatchObject({ code, ...extra });
}

describe('transfer by email', () => {
  it('moves the ticket to the recipient: listed, logged and counted on both accounts, no new capacity', async () => {
    const [buyer, friend] = [await account(t.api), await account(t.api)];
    const {
      tickets: [ticket, kept],
    } = await buyTickets(t.api, buyer, t.world.eventId, t.freshSeats(2));
    const before = await counts();
    const transferredBefore = await metric('ticketing_tickets_transferred_total');
    const res = await t.transfer(buyer, ticket!.id, friend.email.toUpperCase());
    expect(res.status).toBe(200);
    expect(s.ticketSchema.parse((await res.json()).ticket)).toEqual({ ...ticket, status: 'valid', checkedInAt: null });
    expect(await t.listOf(buyer)).toEqual([kept]);
    expect(await t.listOf(friend)).toEqual([ticket]);
    expect(await counts()).toEqual(before);
    expect(await metric('ticketing_tickets_transferred_total')).toBe(transferredBefore + 1);
    const sent = await transfersOf(buyer);
    const received = await transfersOf(friend);
    expect(s.transferSchema.array().parse(sent)).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      ticketId: ticket!.id,
      eventId: t.world.eventId,
      direction: 'sent',
      fromEmail: buyer.email,
      toEmail: friend.email,
      seat: { section: ticket!.section, row: ticket!.row, number: ticket!.number },
    });
    expect(received).toEqual([{ ...sent[0], direction: 'received' }]);
    // the order still shows both seats to its buyer
    const order = await (await t.api.call('GET', `/api/orders/${ticket!.orderId}`, { token: buyer.token })).json();
    expect(order.order.items).toHaveLength(2);
    // the buyer no longer holds it: no code, no second transfer
    await expectProblem(
      await t.api.call('GET', `/api/tickets/${ticket!.id}/code`, { token: buyer.token }),
      404,
      'not_found',
    );
    await expectProblem(await t.transfer(buyer, ticket!.id, buyer.email), 404, 'not_found');
    // the recipient may pass it on
    const third = await account(t.api);
    expect((await t.transfer(friend, ticket!.id, third.email)).status).toBe(200);
    expect(await t.listOf(third)).toEqual([ticket]);
  });

  it("refuses an unknown recipient (422), oneself (422), someone else's ticket (404), and changes nothing", async () => {
    const [buyer, stranger] = [await account(t.api), await account(t.api)];
    const {
      tickets: [ticket],
    } = await buyTickets(t.api, buyer, t.world.eventId, t.freshSeats(1));
    await expectProblem(await t.transfer(buyer, ticket!.id, 'nobody@example.test'), 422, 'recipient_not_found');
    await expectProblem(await t.transfer(buyer, ticket!.id, buyer.email), 422, 'transfer_to_self');
    await expectProblem(await t.transfer(stranger, ticket!.id, stranger.email), 404, 'not_found');
    await expectProblem(
      await t.transfer(stranger, '00000000-0000-4000-8000-000000000000', buyer.email),
      404,
      'not_found',
    );
    await expectProblem(await t.transfer(buyer, ticket!.id, 'not an email'), 400, 'validation_failed');
    expect(await t.listOf(buyer)).toEqual([ticket]);
    expect(await transfersOf(buyer)).toEqual([]);
    const { rows } = await t.api.db.pool.query('SELECT version FROM tickets WHERE id = $1', [ticket!.id]);
    expect(rows).toEqual([{ version: 1 }]);
  });

  it('refuses a checked-in or refunded ticket and a ticket of an event over or cancelled (409 ticket_not_transferable)', async () => {
    const [buyer, friend] = [await account(t.api), await account(t.api)];
    const {
      tickets: [used],
    } = await buyTickets(t.api, buyer, t.world.eventId, t.freshSeats(1));
    expect((await checkIn(t.api, t.scanner, { code: await codeOf(t.api, buyer, used!.id) })).status).toBe(200);
    await expectProblem(await t.transfer(buyer, used!.id, friend.email), 409, 'ticket_not_transferable', {
      reason: 'checked_in',
    });

    const {
      orderId,
      tickets: [refunded],
    } = await buyTickets(t.api, buyer, t.world.eventId, t.freshSeats(1));
    expect((await t.api.call('POST', `/api/orders/${orderId}/refund`, { token: buyer.token })).status).toBe(200);
    await expectProblem(await t.transfer(buyer, refunded!.id, friend.email), 409, 'ticket_not_transferable', {
      reason: 'refunded',
    });

    const past = await seedEvent(t.api.db.pool, t.api.fx.engine, { rows: 1, seatsPerRow: 2 });
    const {
      tickets: [late],
    } = await buyTickets(t.api, buyer, past.eventId, [past.seatIds[0]!]);
    await t.api.db.pool.query('UPDATE events SET event_date = $2 WHERE id = $1', [
      past.eventId,
      new Date(t.api.fx.clock.now()),
    ]);
    await expectProblem(await t.transfer(buyer, late!.id, friend.email), 409, 'ticket_not_transferable', {
      reason: 'event_over',
    });

    const doomed = await seedEvent(t.api.db.pool, t.api.fx.engine, { rows: 1, seatsPerRow: 2 });
    const {
      tickets: [gone],
    } = await buyTickets(t.api, buyer, doomed.eventId, [doomed.seatIds[0]!]);
    await t.api.db.pool.query(`UPDATE events SET state = 'cancelled' WHERE id = $1`, [doomed.eventId]);
    await expectProblem(await t.transfer(buyer, gone!.id, friend.email), 409, 'ticket_not_transferable', {
      reason: 'event_cancelled',
    });
    expect(await t.listOf(friend)).toEqual([]);
  });
});

describe('refunds and cancellation with transferred and checked-in tickets', () => {
  it('the buyer cannot refund an order once a ticket of it was used or given away; an t.admin can', async () => {
    const [buyer, friend] = [await account(t.api), await account(t.api)];
    const {
      orderId,
      tickets: [used, given, kept],
    } = await buyTickets(t.api, buyer, t.world.eventId, t.freshSeats(3));
    const usedAt = new Date(t.api.fx.clock.now()).toISOString();
    expect((await checkIn(t.api, t.scanner, { code: await codeOf(t.api, buyer, used!.id) })).status).toBe(200);
    await expectProblem(
      await t.api.call('POST', `/api/orders/${orderId}/refund`, { token: buyer.token }),
      409,
      'order_not_refundable',
      { reason: 'checked_in' },
    );

    const {
      orderId: second,
      tickets: [away],
    } = await buyTickets(t.api, buyer, t.world.eventId, t.freshSeats(1));
    expect((await t.transfer(buyer, away!.id, friend.email)).status).toBe(200);
    await expectProblem(
      await t.api.call('POST', `/api/orders/${second}/refund`, { token: buyer.token }),
      409,
      'order_not_refundable',
      { reason: 'transferred' },
    );
    expect((await t.transfer(buyer, given!.id, friend.email)).status).toBe(200);

    // An admin's refund goes through: every ticket is refunded, the used one keeps its check-in time.
    const before = await counts();
    const refunded = await t.api.call('POST', `/api/orders/${orderId}/refund`, { token: t.admin.token });
    expect(refunded.status).toBe(200);
    expect((await refunded.json()).order.status).toBe('refunded');
    expect(await counts()).toEqual({ ...before, available: before.available + 3, sold: before.sold - 3 });
    expect((await t.listOf(buyer)).filter((t: { orderId: string }) => t.orderId === orderId)).toEqual([
      { ...used, status: 'refunded', checkedInAt: usedAt },
      { ...kept, status: 'refunded' },
    ]);
    expect((await t.listOf(friend)).find((t: { id: string }) => t.id === given!.id)).toEqual({
      ...given,
      status: 'refunded',
    });
    // a refunded ticket's code no longer admits, nor can it be checked in again
    await expectProblem(
      await checkIn(t.api, t.scanner, { code: await codeOf(t.api, friend, given!.id) }),
      409,
      'ticket_refunded',
    );
    await expectProblem(
      await checkIn(t.api, t.scanner, { code: await codeOf(t.api, buyer, kept!.id) }),
      409,
      'ticket_refunded',
    );
    // its seats are on sale again and may be sold to someone else
    const again = await account(t.api);
    await buyTickets(t.api, again, t.world.eventId, [used!.seatId]);
  });

  it('cancelling an event refunds every ticket, transferred and checked in alike', async () => {
    const event = await seedEvent(t.api.db.pool, t.api.fx.engine, { rows: 1, seatsPerRow: 6 });
    const [buyer, friend] = [await account(t.api), await account(t.api)];
    const {
      tickets: [used, given, plain],
    } = await buyTickets(t.api, buyer, event.eventId, event.seatIds.slice(0, 3));
    expect((await checkIn(t.api, t.scanner, { code: await codeOf(t.api, buyer, used!.id) })).status).toBe(200);
    expect((await t.transfer(buyer, given!.id, friend.email)).status).toBe(200);
    const cancelled = await t.api.call('POST', `/api/admin/events/${event.eventId}/cancel`, { token: t.admin.token });
    expect(cancelled.status).toBe(200);
    expect((await cancelled.json()).refundedOrders).toBe(1);
    expect(
      (await t.listOf(buyer))
        .filter((t: { eventId: string }) => t.eventId === event.eventId)
        .map((t: { id: string; status: string }) => [t.id, t.status]),
    ).toEqual([
      [used!.id, 'refunded'],
      [plain!.id, 'refunded'],
    ]);
    expect((await t.listOf(friend)).map((t: { id: string; status: string }) => [t.id, t.status])).toEqual([
      [given!.id, 'refunded'],
    ]);
    expect(await counts(event.eventId)).toMatchObject({ sold: 0 });
  });

  it('a checked-in seat stays sold when the actor is rebuilt from Postgres', async () => {
    const event = await seedEvent(t.api.db.pool, t.api.fx.engine, { rows: 1, seatsPerRow: 3 });
    const buyer = await account(t.api);
    const {
      tickets: [ticket],
    } = await buyTickets(t.api, buyer, event.eventId, [event.seatIds[1]!]);
    expect((await checkIn(t.api, t.scanner, { code: await codeOf(t.api, buyer, ticket!.id) })).status).toBe(200);
    await t.api.fx.engine.dropActor(event.eventId, await t.api.fx.engine.salesHead(event.eventId));
    await rebuildActor({ engine: t.api.fx.engine, pool: t.api.db.pool }, event.eventId);
    expect(await counts(event.eventId)).toEqual({ total: 3, available: 2, held: 0, sold: 1 });
  });
});

// Last in the file: the answers every test above received, against the app's /openapi.json.
it('every answer in this file has a documented status, media type and body', async () => {
  await expectAnswersDocumented(t.api);
});
