import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as s from '../../src/http/schemas.js';
import { startApi, type ApiFixture } from '../support/api.js';
import { expectBody, expectProblem } from '../support/responses.js';
import { expectAnswersDocumented } from '../support/documentedResponses.js';

/** Sales end (enforced by the actor, seen through HTTP) and the status filters of the event search. */

let api: ApiFixture;
let admin: { id: string; token: string };
const DAY = 86_400_000;
const eventBody = z.strictObject({ event: s.eventSchema });
const orderBody = z.strictObject({ order: s.orderSchema });
const eventPage = z.strictObject({ events: z.array(s.eventSchema), nextCursor: z.string().nullable() });
const at = (offsetMs: number) => new Date(api.fx.clock.now() + offsetMs).toISOString();

beforeAll(async () => {
  api = await startApi();
  admin = await api.user('admin');
});
afterAll(() => api.close());

async function venue(seats: number): Promise<string> {
  const body = { name: 'Hall', city: 'Porto', sections: [{ name: 'A', rows: 1, seatsPerRow: seats }] };
  return (
    await expectBody(
      await api.call('POST', '/api/venues', { token: admin.token, body }),
      201,
      z.strictObject({ venue: s.venueSchema }),
    )
  ).venue.id;
}

async function createEvent(venueId: string, fields: Record<string, unknown>) {
  const body = {
    name: 'Show',
    artist: 'Lifecycle Band',
    venueId,
    eventDate: at(30 * DAY),
    onSaleDate: at(-DAY),
    prices: { A: 2500 },
    ...fields,
  };
  return (await expectBody(await api.call('POST', '/api/events', { token: admin.token, body }), 201, eventBody)).event;
}

async function seatIds(eventId: string): Promise<string[]> {
  return (await expectBody(await api.call('GET', `/api/events/${eventId}/seats`), 200, s.seatMapSchema)).seats.map(
    (x) => x.id,
  );
}

const reserve = (token: string, eventId: string, ids: string[]) =>
  api.call('POST', '/api/seats/reserve', { token, body: { eventId, seatIds: ids } });
const checkout = (token: string, eventId: string, key: string) =>
  api.call('POST', '/api/checkout', {
    token,
    body: { eventId, payment: { method: 'card', token: 'tok_visa' } },
    headers: { 'idempotency-key': key },
  });

describe('salesEndDate', () => {
  let venueId: string;
  beforeAll(async () => {
    venueId = await venue(4);
  });

  it('defaults to the event date, and must lie between the on-sale date and the event date', async () => {
    const plain = await createEvent(venueId, {});
    expect(plain.salesEndDate).toBe(plain.eventDate);
    const chosen = await createEvent(venueId, { salesEndDate: at(29 * DAY) });
    expect(chosen.salesEndDate).toBe(at(29 * DAY));
    const base = { name: 'X', artist: 'Y', venueId, eventDate: at(30 * DAY), onSaleDate: at(-DAY), prices: { A: 1 } };
    for (const salesEndDate of [at(31 * DAY), at(-2 * DAY), 'soon', '2031-01-01 10:00']) {
      await expectProblem(
        await api.call('POST', '/api/events', { token: admin.token, body: { ...base, salesEndDate } }),
        400,
        'validation_failed',
      );
    }
    // moving the event before its sales end is refused too; null goes back to the default
    await expectProblem(
      await api.call('PUT', `/api/events/${chosen.id}`, { token: admin.token, body: { eventDate: at(28 * DAY) } }),
      400,
      'validation_failed',
    );
    const reset = await expectBody(
      await api.call('PUT', `/api/events/${chosen.id}`, { token: admin.token, body: { salesEndDate: null } }),
      200,
      eventBody,
    );
    expect(reset.event.salesEndDate).toBe(reset.event.eventDate);
  });

  it('an admin ending sales now stops holds and checkout of a live actor at once; reopening them works', async () => {
    const event = await createEvent(venueId, {});
    const [a, b, c] = await seatIds(event.id);
    const buyer = await api.user();
    await expectBody(await reserve(buyer.token, event.id, [a!]), 201, s.holdSchema);

    const ended = await api.call('PUT', `/api/events/${event.id}`, {
      token: admin.token,
      body: { salesEndDate: at(0) },
    });
    expect((await expectBody(ended, 200, eventBody)).event).toMatchObject({ status: 'completed', salesEndDate: at(0) });
    await expectProblem(await reserve(buyer.token, event.id, [b!]), 409, 'event_not_on_sale');
    await expectProblem(await checkout(buyer.token, event.id, 'ended-1'), 409, 'event_not_on_sale');
    const listed = await expectBody(
      await api.call('GET', `/api/events?venueId=${venueId}&status=completed&limit=100`),
      200,
      eventPage,
    );
    expect(listed.events.map((e) => e.id)).toContain(event.id);

    await api.call('PUT', `/api/events/${event.id}`, { token: admin.token, body: { salesEndDate: null } });
    await expectBody(await reserve(buyer.token, event.id, [c!]), 201, s.holdSchema);
    const order = await expectBody(await checkout(buyer.token, event.id, 'reopened-1'), 201, orderBody);
    expect(order.order.items.map((i) => i.seatId).sort()).toEqual([a!, c!].sort());
  });

  it('the clock passing the event date closes sales with no one touching the event', async () => {
    // a minute: well within the hold's lifetime, so checkout reaches the actor's refusal
    const event = await createEvent(venueId, { eventDate: at(60_000) });
    const [a, b] = await seatIds(event.id);
    const buyer = await api.user();
    await expectBody(await reserve(buyer.token, event.id, [a!]), 201, s.holdSchema);
    api.fx.clock.advance(60_000);
    try {
      await expectProblem(await reserve(buyer.token, event.id, [b!]), 409, 'event_not_on_sale');
      await expectProblem(await checkout(buyer.token, event.id, 'late-1'), 409, 'event_not_on_sale');
      const sold = await api.db.pool.query('SELECT count(*)::int AS n FROM orders WHERE event_id = $1', [event.id]);
      expect(sold.rows[0].n).toBe(0);
    } finally {
      api.fx.clock.advance(-60_000);
    }
  });

  it('a cancelled event answers event_not_on_sale to holds and checkout', async () => {
    const event = await createEvent(venueId, {});
    const [a, b] = await seatIds(event.id);
    const buyer = await api.user();
    await expectBody(await reserve(buyer.token, event.id, [a!]), 201, s.holdSchema);
    expect((await api.call('POST', `/api/admin/events/${event.id}/cancel`, { token: admin.token })).status).toBe(200);
    await expectProblem(await reserve(buyer.token, event.id, [b!]), 409, 'event_not_on_sale');
    await expectProblem(await checkout(buyer.token, event.id, 'cancelled-1'), 409, 'event_not_on_sale');
  });

  it('an actor loaded before sales ends existed is brought up to date on first use, then enforces the end', async () => {
    const event = await createEvent(venueId, { salesEndDate: at(60_000) });
    const [a, b] = await seatIds(event.id);
    const buyer = await api.user();
    await expectBody(await reserve(buyer.token, event.id, [a!]), 201, s.holdSchema);
    await api.fx.redis.hdel(api.fx.engine.keys(event.id)!.state, 'salesEndMs');
    // the first call reloads the actor's settings from Postgres and asks the client to retry
    const first = await reserve(buyer.token, event.id, [b!]);
    expect(first.status).toBe(503);
    expect(first.headers.get('retry-after')).toBe('1');
    expect(await api.fx.redis.hget(api.fx.engine.keys(event.id)!.state, 'salesEndMs')).toBe(
      String(api.fx.clock.now() + 60_000),
    );
    await expectBody(await reserve(buyer.token, event.id, [b!]), 201, s.holdSchema);
    await api.fx.redis.hdel(api.fx.engine.keys(event.id)!.state, 'salesEndMs');
    api.fx.clock.advance(60_000);
    try {
      expect((await checkout(buyer.token, event.id, 'outdated-1')).status).toBe(503);
      await expectProblem(await checkout(buyer.token, event.id, 'outdated-1'), 409, 'event_not_on_sale');
    } finally {
      api.fx.clock.advance(-60_000);
    }
  });
});

describe('status filters page through the whole catalogue', () => {
  const expected: Record<string, string[]> = { upcoming: [], on_sale: [], sold_out: [], completed: [], cancelled: [] };
  /** every event of the catalogue, in date order */
  const created: string[] = [];
  let venueId: string;

  /** Pages of `limit` through the filter: every page full but the last, ids in date order. */
  async function pageThrough(status: string, limit: number): Promise<string[]> {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `/api/events?venueId=${venueId}&status=${status}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`;
      const page: z.infer<typeof eventPage> = await expectBody(await api.call('GET', query), 200, eventPage);
      if (page.nextCursor) expect(page.events).toHaveLength(limit);
      for (const e of page.events) expect(e.status).toBe(status);
      seen.push(...page.events.map((e) => e.id));
      cursor = page.nextCursor;
    } while (cursor);
    return seen;
  }

  beforeAll(async () => {
    venueId = await venue(1);
    const buyer = await api.user();
    // 25 events a day apart, their statuses interleaved so that matches are spread thin
    const kinds = ['on_sale', 'sold_out', 'upcoming', 'completed', 'cancelled', 'sold_out', 'on_sale', 'completed'];
    for (let i = 0; i < 25; i++) {
      const kind = kinds[(i * 5) % kinds.length]!;
      const eventDate = at((60 + i) * DAY);
      const fields = {
        upcoming: { eventDate, onSaleDate: at(10 * DAY) },
        completed: { eventDate, onSaleDate: at(-3 * DAY), salesEndDate: at(-DAY) },
      }[kind as 'upcoming' | 'completed'] ?? { eventDate };
      const event = await createEvent(venueId, fields);
      if (kind === 'sold_out') {
        await expectBody(await reserve(buyer.token, event.id, await seatIds(event.id)), 201, s.holdSchema);
        await expectBody(await checkout(buyer.token, event.id, `sold-${i}`), 201, orderBody);
      }
      if (kind === 'cancelled')
        expect((await api.call('POST', `/api/admin/events/${event.id}/cancel`, { token: admin.token })).status).toBe(
          200,
        );
      expected[kind]!.push(event.id);
      created.push(event.id);
    }
  });

  it.each(['on_sale', 'sold_out', 'upcoming', 'completed', 'cancelled'])(
    '%s: full pages, every match exactly once, in date order',
    async (status) => {
      expect(expected[status]!.length).toBeGreaterThanOrEqual(3);
      for (const limit of [1, 2, 3]) expect(await pageThrough(status, limit)).toEqual(expected[status]);
    },
  );

  it('a refund puts a sold-out event back on sale in the filter', async () => {
    const eventId = expected.sold_out![0]!;
    const { rows } = await api.db.pool.query('SELECT id FROM orders WHERE event_id = $1', [eventId]);
    const refunded = await api.call('POST', `/api/orders/${rows[0].id}/refund`, { token: admin.token });
    expect(refunded.status).toBe(200);
    const counts = await api.db.pool.query('SELECT seats_sold, seats_total FROM events WHERE id = $1', [eventId]);
    expect(counts.rows[0]).toEqual({ seats_sold: 0, seats_total: 1 });
    const byDate = (ids: string[]) => [...ids].sort((x, y) => created.indexOf(x) - created.indexOf(y));
    expect(await pageThrough('on_sale', 2)).toEqual(byDate([...expected.on_sale!, eventId]));
    expect(await pageThrough('sold_out', 2)).toEqual(expected.sold_out!.slice(1));
  });
});

// Last in the file: the answers every test above received, against the app's /openapi.json.
it('every answer in this file has a documented status, media type and body', async () => {
  await expectAnswersDocumented(api);
});
