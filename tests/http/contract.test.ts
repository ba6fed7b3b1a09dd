import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as s from '../../src/http/schemas.js';
import { startApi, type ApiFixture } from '../support/api.js';
import { expectAnswersDocumented } from '../support/documentedResponses.js';
import { expectBody, expectProblem } from '../support/responses.js';
import { seedEvent, type SeededEvent } from '../support/world.js';

/** The HTTP contract, endpoint by endpoint, over real HTTP; every body is checked against its schema. */

let api: ApiFixture;
let admin: { id: string; token: string };
beforeAll(async () => {
  api = await startApi();
  admin = await api.user('admin');
});
afterAll(() => api.close());

/** A time relative to the app's (fake) clock. */
const at = (offsetMs: number) => new Date(api.fx.clock.now() + offsetMs).toISOString();
const inAWeek = () => at(7 * 86_400_000);
const inAMonth = () => at(30 * 86_400_000);
const anHourAgo = () => at(-3_600_000);

describe('auth', () => {
  const email = `fan-${Date.now()}@example.test`;

  it('registers a user (never an admin) with a session cookie and token; the email is then taken', async () => {
    const res = await api.call('POST', '/api/auth/register', {
      body: { email, password: 'correct horse', name: 'Fan' },
    });
    const { user, token } = await expectBody(res, 201, s.sessionSchema);
    expect(user).toMatchObject({ email, name: 'Fan', role: 'user' });
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toContain(`sid=${token}`);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const me = await expectBody(
      await api.call('GET', '/api/auth/me', { token }),
      200,
      s.sessionSchema.pick({ user: true }),
    );
    expect(me.user.id).toBe(user.id);
    await expectProblem(
      await api.call('POST', '/api/auth/register', {
        body: { email: email.toUpperCase(), password: 'other pass', name: 'X' },
      }),
      409,
      'email_taken',
    );
  });

  it('logs in with a new session each time; wrong password and unknown email get the same 401', async () => {
    const first = await expectBody(
      await api.call('POST', '/api/auth/login', { body: { email, password: 'correct horse' } }),
      200,
      s.sessionSchema,
    );
    const second = await expectBody(
      await api.call('POST', '/api/auth/login', {
        body: { email, password: 'correct horse' },
        headers: { cookie: `sid=${first.token}` },
      }),
      200,
      s.sessionSchema,
    );
    expect(second.token).not.toBe(first.token);
    // the session the client came with is replaced, not reused (no fixation)
    await expectProblem(await api.call('GET', '/api/auth/me', { token: first.token }), 401, 'unauthenticated');
    const wrong = await expectProblem(
      await api.call('POST', '/api/auth/login', { body: { email, password: 'wrong horse' } }),
      401,
      'invalid_credentials',
    );
    const unknown = await expectProblem(
      await api.call('POST', '/api/auth/login', { body: { email: `x${email}`, password: 'wrong horse' } }),
      401,
      'invalid_credentials',
    );
    expect(unknown.detail).toBe(wrong.detail);

    expect((await api.call('POST', '/api/auth/logout', { token: second.token })).status).toBe(204);
    await expectProblem(await api.call('GET', '/api/auth/me', { token: second.token }), 401, 'unauthenticated');
    await expectProblem(await api.call('POST', '/api/auth/logout', { token: second.token }), 401, 'unauthenticated');
  });

  it('refuses a short password and unknown fields (no role by mass assignment)', async () => {
    await expectProblem(
      await api.call('POST', '/api/auth/register', { body: { email: 'a@b.test', password: 'short', name: 'A' } }),
      400,
      'validation_failed',
    );
    await expectProblem(
      await api.call('POST', '/api/auth/register', {
        body: { email: 'a@b.test', password: 'long enough', name: 'A', role: 'admin' },
      }),
      400,
      'validation_failed',
    );
    expect((await api.db.pool.query(`SELECT 1 FROM users WHERE email = 'a@b.test'`)).rowCount).toBe(0);
  });
});

describe('venues and events', () => {
  let venueId: string;
  let eventId: string;
  const prices = { Floor: 9000, Balcony: 4000 };

  it('an admin creates a venue; anyone lists and reads it; a user may not create one', async () => {
    const body = {
      name: 'Arena',
      city: 'Lisbon',
      sections: [
        { name: 'Floor', rows: 2, seatsPerRow: 5 },
        { name: 'Balcony', rows: 1, seatsPerRow: 4 },
      ],
    };
    const { venue } = await expectBody(
      await api.call('POST', '/api/venues', { token: admin.token, body }),
      201,
      wrap('venue', s.venueSchema),
    );
    expect(venue).toMatchObject({ name: 'Arena', city: 'Lisbon', address: '', capacity: 14 });
    venueId = venue.id;
    const list = await expectBody(await api.call('GET', '/api/venues'), 200, wrap('venues', z.array(s.venueSchema)));
    expect(list.venues.map((v) => v.id)).toContain(venueId);
    expect(
      (await expectBody(await api.call('GET', `/api/venues/${venueId}`), 200, wrap('venue', s.venueSchema))).venue,
    ).toEqual(venue);
    await expectProblem(await api.call('GET', '/api/venues/00000000-0000-4000-8000-000000000000'), 404, 'not_found');
    const user = await api.user();
    await expectProblem(await api.call('POST', '/api/venues', { token: user.token, body }), 403, 'forbidden');
    await expectProblem(await api.call('POST', '/api/venues', { body }), 401, 'unauthenticated');
  });

  it('an admin creates an event with its whole seat inventory, in Postgres and in the engine', async () => {
    const body = {
      name: 'Night Show',
      artist: 'The Testers',
      venueId,
      eventDate: inAMonth(),
      onSaleDate: inAWeek(),
      prices,
    };
    const { event } = await expectBody(
      await api.call('POST', '/api/events', { token: admin.token, body }),
      201,
      wrap('event', s.eventSchema),
    );
    expect(event).toMatchObject({
      name: 'Night Show',
      status: 'upcoming',
      highDemand: false,
      venue: { id: venueId, city: 'Lisbon' },
    });
    expect(event.counts).toEqual({ total: 14, available: 14, held: 0, sold: 0 });
    eventId = event.id;
    const seats = await api.db.pool.query(
      'SELECT section, price_cents FROM seats WHERE event_id = $1 ORDER BY seat_index',
      [eventId],
    );
    expect(seats.rows.map((r) => r.price_cents)).toEqual([...Array(10).fill(9000), ...Array(4).fill(4000)]);
    await expectProblem(
      await api.call('POST', '/api/events', { token: admin.token, body: { ...body, prices: { Floor: 1 } } }),
      400,
      'validation_failed',
    );
    await expectProblem(
      await api.call('POST', '/api/events', { token: admin.token, body: { ...body, status: 'on_sale' } }),
      400,
      'validation_failed',
    );
  });

  it('PUT changes fields, prices and the on-sale time; the engine and the seat map follow', async () => {
    const user = await api.user();
    await expectProblem(
      await api.call('PUT', `/api/events/${eventId}`, { token: user.token, body: { name: 'X' } }),
      403,
      'forbidden',
    );
    const held = await api.call('POST', '/api/seats/reserve', {
      token: user.token,
      body: { eventId, seatIds: [await firstSeat(eventId)] },
    });
    await expectProblem(held, 409, 'event_not_on_sale');

    const res = await api.call('PUT', `/api/events/${eventId}`, {
      token: admin.token,
      body: { name: 'Late Show', onSaleDate: anHourAgo(), prices: { Floor: 10000, Balcony: 5000 } },
    });
    const { event } = await expectBody(res, 200, wrap('event', s.eventSchema));
    expect(event).toMatchObject({ name: 'Late Show', artist: 'The Testers', status: 'on_sale' });
    const map = await expectBody(await api.call('GET', `/api/events/${eventId}/seats`), 200, s.seatMapSchema);
    expect(map.seats[0]!.priceCents).toBe(10_000);
    expect(map.seats[13]!.priceCents).toBe(5000);
    const reserve = await api.call('POST', '/api/seats/reserve', {
      token: user.token,
      body: { eventId, seatIds: [map.seats[13]!.id] },
    });
    expect((await expectBody(reserve, 201, s.holdSchema)).hold.totalCents).toBe(5000);
    const hold = await api.fx.engine.getHold(eventId, user.id);
    expect(hold.ok && hold.held.map((h) => h.priceCents)).toEqual([5000]);

    await expectProblem(
      await api.call('PUT', `/api/events/${eventId}`, {
        token: admin.token,
        body: { venueId: '00000000-0000-4000-8000-000000000000' },
      }),
      409,
      'venue_locked',
    );
    await expectProblem(
      await api.call('PUT', `/api/events/${eventId}`, {
        token: admin.token,
        body: { onSaleDate: '2999-01-01T00:00:00Z' },
      }),
      400,
      'validation_failed',
    );
    await expectProblem(
      await api.call('PUT', '/api/events/00000000-0000-4000-8000-000000000000', {
        token: admin.token,
        body: { name: 'X' },
      }),
      404,
      'not_found',
    );
  });

  it('reads events from the cache, and a write is visible at once', async () => {
    const first = await expectBody(await api.call('GET', `/api/events/${eventId}`), 200, wrap('event', s.eventSchema));
    expect(await api.fx.redis.exists(`${api.fx.prefix}cache:event:${eventId}`)).toBe(1);
    await api.call('PUT', `/api/events/${eventId}`, { token: admin.token, body: { artist: 'Renamed' } });
    const second = await expectBody(await api.call('GET', `/api/events/${eventId}`), 200, wrap('event', s.eventSchema));
    expect([first.event.artist, second.event.artist]).toEqual(['The Testers', 'Renamed']);
    const found = await expectBody(await api.call('GET', '/api/events?artist=Renamed'), 200, eventPage);
    expect(found.events.map((e) => e.id)).toEqual([eventId]);
  });

  it('searches by text, city, venue, dates and status, and pages with a cursor in date order', async () => {
    const made: string[] = [];
    for (let day = 1; day <= 5; day++) {
      const eventDate = at((40 + day) * 86_400_000);
      const body = { name: `Series ${day}`, artist: 'Paged Band', venueId, eventDate, onSaleDate: anHourAgo(), prices };
      made.push(
        (
          await expectBody(
            await api.call('POST', '/api/events', { token: admin.token, body }),
            201,
            wrap('event', s.eventSchema),
          )
        ).event.id,
      );
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `/api/events?artist=Paged%20Band&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page: z.infer<typeof eventPage> = await expectBody(await api.call('GET', query), 200, eventPage);
      expect(page.events.length).toBeLessThanOrEqual(2);
      seen.push(...page.events.map((e) => e.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(made);
    const q = await expectBody(await api.call('GET', '/api/events?q=series%203'), 200, eventPage);
    expect(q.events.map((e) => e.id)).toEqual([made[2]]);
    const city = await expectBody(
      await api.call('GET', `/api/events?city=lisbon&venueId=${venueId}&status=on_sale&limit=100`),
      200,
      eventPage,
    );
    expect(city.events.map((e) => e.id)).toEqual([eventId, ...made]);
    const range = await expectBody(
      await api.call('GET', `/api/events?artist=Paged%20Band&from=${encodeURIComponent(at(42.5 * 86_400_000))}`),
      200,
      eventPage,
    );
    expect(range.events.map((e) => e.id)).toEqual(made.slice(2));
    const upcoming = await expectBody(
      await api.call('GET', '/api/events?artist=Paged%20Band&status=upcoming'),
      200,
      eventPage,
    );
    expect(upcoming.events).toEqual([]);
    await expectProblem(await api.call('GET', '/api/events?limit=0'), 400, 'validation_failed');
    await expectProblem(await api.call('GET', '/api/events?cursor=nonsense'), 400, 'validation_failed');
    await expectProblem(await api.call('GET', '/api/events?sort=price'), 400, 'validation_failed');
  });
});

describe('refunds, stats and cancellation', () => {
  // Every test gets its own event: none counts on the orders or holds another one left.
  let world: SeededEvent;
  beforeEach(async () => {
    world = await seedEvent(api.db.pool, api.fx.engine, { rows: 1, seatsPerRow: 10 });
  });

  async function purchase(token: string, seatIds: string[], key: string) {
    api.fx.clock.advance(1_017); // sale times with milliseconds, as in life
    await expectBody(
      await api.call('POST', '/api/seats/reserve', { token, body: { eventId: world.eventId, seatIds } }),
      201,
      s.holdSchema,
    );
    const res = await api.call('POST', '/api/checkout', {
      token,
      body: { eventId: world.eventId, payment: { method: 'card', token: 'tok_visa' } },
      headers: { 'idempotency-key': key },
    });
    const { order } = await expectBody(res, 201, wrap('order', s.orderSchema));
    // the 201 answers with exactly the order Postgres holds
    const stored = await expectBody(
      await api.call('GET', `/api/orders/${order.id}`, { token }),
      200,
      wrap('order', s.orderSchema),
    );
    expect(stored.order).toEqual(order);
    return order;
  }

  it('the owner refunds an order: refunded in Postgres, seats back on sale; others get 404, a second refund 409', async () => {
    const buyer = await api.user();
    const order = await purchase(buyer.token, world.seatIds.slice(0, 2), 'r-1');
    const stranger = await api.user();
    await expectProblem(
      await api.call('POST', `/api/orders/${order.id}/refund`, { token: stranger.token }),
      404,
      'not_found',
    );
    const res = await api.call('POST', `/api/orders/${order.id}/refund`, { token: buyer.token });
    const { order: refunded } = await expectBody(res, 200, wrap('order', s.orderSchema));
    expect(refunded).toMatchObject({ id: order.id, status: 'refunded' });
    const tickets = await api.db.pool.query('SELECT status FROM tickets WHERE order_id = $1', [order.id]);
    expect(tickets.rows).toEqual([{ status: 'refunded' }, { status: 'refunded' }]);
    const map = await expectBody(await api.call('GET', `/api/events/${world.eventId}/seats`), 200, s.seatMapSchema);
    expect(map.seats.slice(0, 2).map((x) => x.status)).toEqual(['available', 'available']);
    await expectProblem(
      await api.call('POST', `/api/orders/${order.id}/refund`, { token: buyer.token }),
      409,
      'order_not_refundable',
    );
    await expectProblem(await api.call('POST', `/api/orders/${order.id}/refund`), 401, 'unauthenticated');
  });

  it('an admin may refund any order', async () => {
    const buyer = await api.user();
    const order = await purchase(buyer.token, [world.seatIds[2]!], 'r-2');
    const res = await api.call('POST', `/api/orders/${order.id}/refund`, { token: admin.token });
    expect((await expectBody(res, 200, wrap('order', s.orderSchema))).order.status).toBe('refunded');
  });

  it('admin stats count seats live and money from Postgres; users may not see them', async () => {
    const buyer = await api.user();
    await purchase(buyer.token, [world.seatIds[3]!, world.seatIds[4]!], 's-1');
    const holder = await api.user();
    await api.call('POST', '/api/seats/reserve', {
      token: holder.token,
      body: { eventId: world.eventId, seatIds: [world.seatIds[5]] },
    });
    const stats = await expectBody(
      await api.call('GET', `/api/admin/events/${world.eventId}/stats`, { token: admin.token }),
      200,
      s.statsSchema,
    );
    expect(stats).toEqual({
      eventId: world.eventId,
      counts: { total: 10, available: 7, held: 1, sold: 2 },
      revenueCents: 10_000,
      orders: 1,
      persisterBacklog: 0,
      queue: { waiting: 0, admitted: 0 },
    });
    await expectProblem(
      await api.call('GET', `/api/admin/events/${world.eventId}/stats`, { token: buyer.token }),
      403,
      'forbidden',
    );
    await expectProblem(
      await api.call('GET', '/api/admin/events/00000000-0000-4000-8000-000000000000/stats', { token: admin.token }),
      404,
      'not_found',
    );
  });

  it('cancelling refunds every order, and no further holds or sales are possible', async () => {
    const buyer = await api.user();
    await purchase(buyer.token, [world.seatIds[6]!], 'c-1');
    const other = await api.user();
    await purchase(other.token, [world.seatIds[2]!, world.seatIds[3]!], 'c-2');
    const holder = await api.user();
    await api.call('POST', '/api/seats/reserve', {
      token: holder.token,
      body: { eventId: world.eventId, seatIds: [world.seatIds[7]] },
    });
    await expectProblem(
      await api.call('POST', `/api/admin/events/${world.eventId}/cancel`, { token: buyer.token }),
      403,
      'forbidden',
    );

    const res = await api.call('POST', `/api/admin/events/${world.eventId}/cancel`, { token: admin.token });
    const body = await expectBody(res, 200, z.strictObject({ event: s.eventSchema, refundedOrders: z.number() }));
    expect(body.event.status).toBe('cancelled');
    expect(body.refundedOrders).toBe(2);
    const orders = await api.db.pool.query(
      'SELECT status, count(*)::int AS n FROM orders WHERE event_id = $1 GROUP BY status',
      [world.eventId],
    );
    expect(orders.rows).toEqual([{ status: 'refunded', n: 2 }]);
    const valid = await api.db.pool.query(
      `SELECT count(*)::int AS n FROM tickets WHERE event_id = $1 AND status = 'valid'`,
      [world.eventId],
    );
    expect(valid.rows[0].n).toBe(0);

    await expectProblem(
      await api.call('POST', '/api/seats/reserve', {
        token: buyer.token,
        body: { eventId: world.eventId, seatIds: [world.seatIds[8]] },
      }),
      409,
      'event_not_on_sale',
    );
    await expectProblem(
      await api.call('POST', '/api/checkout', {
        token: holder.token,
        body: { eventId: world.eventId, payment: { method: 'card', token: 'tok_visa' } },
        headers: { 'idempotency-key': 'late' },
      }),
      409,
      'event_not_on_sale',
    );
    const again = await expectBody(
      await api.call('POST', `/api/admin/events/${world.eventId}/cancel`, { token: admin.token }),
      200,
      z.strictObject({ event: s.eventSchema, refundedOrders: z.number() }),
    );
    expect(again.refundedOrders).toBe(0);
    const listed = await expectBody(
      await api.call('GET', `/api/events?status=cancelled&venueId=${world.venueId}`),
      200,
      eventPage,
    );
    expect(listed.events.map((e) => e.id)).toEqual([world.eventId]);
  });
});

describe('the API itself', () => {
  it('documents every route it serves in /openapi.json, and only those', async () => {
    const doc = await expectBody(
      await api.call('GET', '/openapi.json'),
      200,
      z.looseObject({ openapi: z.literal('3.1.0'), paths: z.record(z.string(), z.record(z.string(), z.unknown())) }),
    );
    const documented = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    const served = api.app.routes
      .filter((r) => r.method !== 'ALL')
      .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
    expect([...new Set(served)].sort()).toEqual(documented);
    expect(JSON.stringify(doc)).toContain('"additionalProperties":false');
  });

  it('answers a wrong method with 405 and Allow, an unknown route with 404', async () => {
    const wrong = await api.call('PATCH', '/api/seats/reserve', { body: {} });
    await expectProblem(wrong, 405, 'method_not_allowed');
    expect(wrong.headers.get('allow')).toBe('POST');
    await expectProblem(await api.call('GET', '/api/nothing-here'), 404, 'not_found');
  });

  it('exposes Prometheus metrics by route template, and the business metrics', async () => {
    await api.call('GET', `/api/events/00000000-0000-4000-8000-000000000000`);
    const res = await api.call('GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toMatch(/ticketing_http_requests_total\{method="GET",route="\/api\/events\/:id",status="404"\} [1-9]/);
    expect(text).toMatch(
      /ticketing_http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/api\/events\/:id"\}/,
    );
    expect(text).toMatch(/ticketing_checkouts_total\{result="completed",reason=""\} [1-9]/);
    for (const name of [
      'ticketing_seats_reserved_total',
      'ticketing_seats_sold_total',
      'ticketing_sessions_active',
      'ticketing_persister_backlog_entries',
      'ticketing_pg_pool_connections',
      'ticketing_queue_wait_seconds',
      'ticketing_redis_up 1',
    ]) {
      expect(text).toContain(name);
    }
    // The embedded persister's progress: what it wrote, in how many batches (their mean size).
    const counter = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1]);
    const persisted = counter('ticketing_persister_persisted_entries_total');
    const batches = counter('ticketing_persister_batches_total');
    expect(batches).toBeGreaterThanOrEqual(1);
    expect(persisted).toBeGreaterThanOrEqual(batches);
  });

  it('answers health and readiness', async () => {
    expect(await (await api.call('GET', '/healthz')).json()).toEqual({ status: 'ok' });
    expect((await api.call('GET', '/readyz')).status).toBe(200);
  });
});

describe('the document', () => {
  // Last in the file: it checks the answers every test above received.
  it('every answer these tests got has a documented status, media type and body', async () => {
    expect(await expectAnswersDocumented(api)).toBeGreaterThan(50);
  });
});

function wrap<K extends string, S extends z.ZodType>(name: K, schema: S) {
  return z.strictObject({ [name]: schema } as { [P in K]: S });
}
const eventPage = z.strictObject({ events: z.array(s.eventSchema), nextCursor: z.string().nullable() });

async function firstSeat(eventId: string): Promise<string> {
  const map = await (await api.call('GET', `/api/events/${eventId}/seats`)).json();
  return map.seats[0].id;
}
