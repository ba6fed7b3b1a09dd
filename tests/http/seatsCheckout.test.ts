import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startApi, type ApiFixture } from '../support/api.js';
import { seedEvent } from '../support/world.js';
import { expectAnswersDocumented } from '../support/documentedResponses.js';

let api: ApiFixture;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

// Every test gets its own event: no test depends on which seats another one left held or sold.
let eventId: string;
let seatIds: string[];
beforeEach(async () => {
  ({ eventId, seatIds } = await seedEvent(api.db.pool, api.fx.engine, { rows: 2, seatsPerRow: 10 }));
});

const pay = (id = eventId, token = 'tok_visa') => ({ eventId: id, payment: { method: 'card', token } });

describe('seat map', () => {
  it('lists every seat with its status, the version and counts, and no holder ids', async () => {
    const buyer = await api.user();
    await api.call('POST', '/api/seats/reserve', { token: buyer.token, body: { eventId, seatIds: [seatIds[0]] } });
    const res = await api.call('GET', `/api/events/${eventId}/seats`);
    expect(res.status).toBe(200);
    const map = await res.json();
    expect(map.counts).toEqual({ total: 20, available: 19, held: 1, sold: 0 });
    expect(map.seats[0]).toEqual({
      id: seatIds[0],
      section: 'Floor',
      row: '1',
      number: '1',
      priceCents: 5000,
      status: 'held',
    });
    expect(JSON.stringify(map)).not.toContain(buyer.id);
    await api.call('DELETE', '/api/seats/release', { token: buyer.token, body: { eventId, seatIds: [seatIds[0]] } });
  });

  it('is 404 for an unknown or malformed event id', async () => {
    expect((await api.call('GET', '/api/events/00000000-0000-4000-8000-000000000000/seats')).status).toBe(404);
    expect((await api.call('GET', `/api/events/not-a-uuid/seats`)).status).toBe(404);
  });
});

describe('reserve and release', () => {
  it('reserves, refuses a taken seat with its id, and releases only own seats', async () => {
    const [a, b] = [await api.user(), await api.user()];
    const held = await api.call('POST', '/api/seats/reserve', {
      token: a.token,
      body: { eventId, seatIds: [seatIds[2], seatIds[3]] },
    });
    expect(held.status).toBe(201);
    const { hold } = await held.json();
    expect(hold).toMatchObject({ eventId, seatIds: [seatIds[2], seatIds[3]], totalCents: 10_000 });
    const taken = await api.call('POST', '/api/seats/reserve', {
      token: b.token,
      body: { eventId, seatIds: [seatIds[3], seatIds[4]] },
    });
    expect(taken.status).toBe(409);
    expect(await taken.json()).toMatchObject({ code: 'seats_unavailable', unavailableSeatIds: [seatIds[3]] });
    const foreign = await api.call('DELETE', '/api/seats/release', {
      token: b.token,
      body: { eventId, seatIds: [seatIds[2]] },
    });
    expect(await foreign.json()).toEqual({ releasedSeatIds: [] });
    const own = await api.call('DELETE', '/api/seats/release', {
      token: a.token,
      body: { eventId, seatIds: [seatIds[2], seatIds[3]] },
    });
    expect(await own.json()).toEqual({ releasedSeatIds: [seatIds[2], seatIds[3]] });
  });

  it.each([
    ['no session', undefined, () => ({ eventId, seatIds: [seatIds[5]] }), 401, 'unauthenticated'],
    ['seven seats', 'user', () => ({ eventId, seatIds: seatIds.slice(0, 7) }), 400, 'validation_failed'],
    ['duplicate seats', 'user', () => ({ eventId, seatIds: [seatIds[5], seatIds[5]] }), 400, 'validation_failed'],
    ['an unknown field', 'user', () => ({ eventId, seatIds: [seatIds[5]], userId: 'x' }), 400, 'validation_failed'],
    [
      'a seat of another event',
      'user',
      () => ({ eventId, seatIds: ['00000000-0000-4000-8000-000000000001'] }),
      400,
      'validation_failed',
    ],
    ['malformed JSON', 'user', () => '{"eventId":', 400, 'malformed_json'],
  ])('refuses %s with a problem and changes nothing', async (_name, who, body, status, code) => {
    const user = who ? await api.user() : undefined;
    const before = await (await api.call('GET', `/api/events/${eventId}/seats`)).json();
    const res = await api.call('POST', '/api/seats/reserve', { token: user?.token, body: body() });
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await res.json()).toMatchObject({ status, code });
    const after = await (await api.call('GET', `/api/events/${eventId}/seats`)).json();
    expect(after.version).toBe(before.version);
  });
});

describe('checkout', () => {
  it('answers 201 with the order only once it is in Postgres, and replays it for the same key', async () => {
    const buyer = await api.user();
    await api.call('POST', '/api/seats/reserve', {
      token: buyer.token,
      body: { eventId, seatIds: [seatIds[10], seatIds[11]] },
    });
    const res = await api.call('POST', '/api/checkout', {
      token: buyer.token,
      body: pay(),
      headers: { 'idempotency-key': 'order-1' },
    });
    expect(res.status).toBe(201);
    const { order } = await res.json();
    expect(order).toMatchObject({
      userId: buyer.id,
      eventId,
      status: 'completed',
      totalCents: 10_000,
      currency: 'USD',
    });
    expect(order.items.map((i: { seatId: string }) => i.seatId)).toEqual([seatIds[10], seatIds[11]]);
    const row = await api.db.pool.query('SELECT status FROM orders WHERE id = $1', [order.id]);
    expect(row.rows).toEqual([{ status: 'completed' }]);

    const replay = await api.call('POST', '/api/checkout', {
      token: buyer.token,
      body: pay(),
      headers: { 'idempotency-key': 'order-1' },
    });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await replay.json()).toEqual({ order });
    const reused = await api.call('POST', '/api/checkout', {
      token: buyer.token,
      body: pay(eventId, 'tok_declined'),
      headers: { 'idempotency-key': 'order-1' },
    });
    expect(reused.status).toBe(422);

    const mine = await (await api.call('GET', '/api/orders', { token: buyer.token })).json();
    expect(mine.orders.map((o: { id: string }) => o.id)).toEqual([order.id]);
    const other = await api.user();
    expect((await api.call('GET', `/api/orders/${order.id}`, { token: other.token })).status).toBe(404);
    expect((await api.call('GET', `/api/orders/${order.id}`, { token: buyer.token })).status).toBe(200);
  });

  it('a declined card is 402 and the hold stays; no hold is 409; no key is 400', async () => {
    const buyer = await api.user();
    await api.call('POST', '/api/seats/reserve', { token: buyer.token, body: { eventId, seatIds: [seatIds[12]] } });
    const declined = await api.call('POST', '/api/checkout', {
      token: buyer.token,
      body: pay(eventId, 'tok_declined'),
      headers: { 'idempotency-key': 'd-1' },
    });
    expect(declined.status).toBe(402);
    expect(await declined.json()).toMatchObject({ code: 'payment_declined' });
    const hold = await api.fx.engine.getHold(eventId, buyer.id);
    expect(hold.ok && hold.held.length).toBe(1);
    const nobody = await api.user();
    const none = await api.call('POST', '/api/checkout', {
      token: nobody.token,
      body: pay(),
      headers: { 'idempotency-key': 'n-1' },
    });
    expect(none.status).toBe(409);
    expect(await none.json()).toMatchObject({ code: 'no_active_hold' });
    expect((await api.call('POST', '/api/checkout', { token: buyer.token, body: pay() })).status).toBe(400);
  });
});

// Last in the file: the answers every test above received, against the app's /openapi.json.
it('every answer in this file has a documented status, media type and body', async () => {
  await expectAnswersDocumented(api);
});
