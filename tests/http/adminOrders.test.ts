import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as s from '../../src/http/schemas.js';
import { startApi, type ApiFixture } from '../support/api.js';
import { seedEvent, type SeededEvent } from '../support/world.js';
import { expectAnswersDocumented } from '../support/documentedResponses.js';

/** GET /api/admin/orders: every buyer's orders, newest first, filtered, in keyset pages. */

let api: ApiFixture;
let admin: { id: string; token: string };
let world: SeededEvent;
let other: SeededEvent;
const buyers: { id: string; token: string; email: string }[] = [];
/** every order of the test, as the search must return them: newest first, ties by id descending */
let all: { id: string; userId: string; eventId: string; status: string; createdAt: number }[] = [];
const page = z.strictObject({ orders: z.array(s.orderSchema), nextCursor: z.string().nullable() });
const T0 = Date.UTC(2030, 0, 1);

beforeAll(async () => {
  api = await startApi();
  admin = await api.user('admin');
  world = await seedEvent(api.db.pool, api.fx.engine, { rows: 1, seatsPerRow: 10 });
  other = await seedEvent(api.db.pool, api.fx.engine, { rows: 1, seatsPerRow: 10 });
  for (let i = 0; i < 3; i++) {
    const user = await api.user();
    buyers.push({ ...user, email: `${user.id}@example.test` });
  }
  // one real purchase, with its items
  await api.call('POST', '/api/seats/reserve', {
    token: buyers[0]!.token,
    body: { eventId: world.eventId, seatIds: world.seatIds.slice(0, 2) },
  });
  const bought = await api.call('POST', '/api/checkout', {
    token: buyers[0]!.token,
    body: { eventId: world.eventId, payment: { method: 'card', token: 'tok_visa' } },
    headers: { 'idempotency-key': 'real-1' },
  });
  expect(bought.status).toBe(201);
  const real = (await bought.json()).order;
  all.push({
    id: real.id,
    userId: buyers[0]!.id,
    eventId: world.eventId,
    status: 'completed',
    createdAt: Date.parse(real.createdAt),
  });
  // 40 more, older, with many sharing a timestamp (the keyset must break ties by id)
  for (let i = 0; i < 40; i++) {
    const order = {
      id: randomUUID(),
      userId: buyers[i % 3]!.id,
      eventId: i % 4 === 0 ? other.eventId : world.eventId,
      status: i % 5 === 0 ? 'refunded' : 'completed',
      createdAt: T0 - 86_400_000 + Math.floor(i / 4) * 3_600_000,
    };
    await api.db.pool.query(
      `INSERT INTO orders (id, user_id, event_id, status, total_cents, idempotency_key, payment_ref, stream_id, created_at)
       VALUES ($1, $2, $3, $4, 100, $6, 'p', $6, $5)`,
      [order.id, order.userId, order.eventId, order.status, new Date(order.createdAt), `key-${i}`],
    );
    all.push(order);
  }
  all = all.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
});
afterAll(() => api.close());

async function search(query: string, token = admin.token) {
  const res = await api.call('GET', `/api/admin/orders${query}`, { token });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return page.parse(JSON.parse(text));
}

/** Every page of a search with `limit`, checking that only the last may be short. */
async function everyPage(filters: string, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const result: z.infer<typeof page> = await search(`?limit=${limit}${filters}${cursor ? `&cursor=${cursor}` : ''}`);
    if (result.nextCursor) expect(result.orders).toHaveLength(limit);
    ids.push(...result.orders.map((o) => o.id));
    cursor = result.nextCursor;
  } while (cursor);
  return ids;
}

const ids = (keep: (o: (typeof all)[number]) => boolean) => all.filter(keep).map((o) => o.id);

describe('admin order search', () => {
  it('pages through every order exactly once, newest first, ties broken by id', async () => {
    for (const limit of [1, 7, 100]) expect(await everyPage('', limit)).toEqual(all.map((o) => o.id));
    const first = await search('?limit=1');
    expect(first.orders[0]).toMatchObject({
      userId: buyers[0]!.id,
      eventId: world.eventId,
      status: 'completed',
      totalCents: 10_000,
    });
    expect(first.orders[0]!.items.map((i) => i.seatId)).toEqual(world.seatIds.slice(0, 2));
  });

  it('filters by the buyer email in any case, the event, the status and a date range, alone and together', async () => {
    const email = buyers[1]!.email;
    expect(await everyPage(`&email=${encodeURIComponent(email.toUpperCase())}`, 4)).toEqual(
      ids((o) => o.userId === buyers[1]!.id),
    );
    expect(await everyPage(`&eventId=${other.eventId}`, 3)).toEqual(ids((o) => o.eventId === other.eventId));
    expect(await everyPage('&status=refunded', 2)).toEqual(ids((o) => o.status === 'refunded'));
    const [from, to] = [T0 - 86_400_000 + 2 * 3_600_000, T0 - 86_400_000 + 6 * 3_600_000];
    const range = `&from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`;
    expect(await everyPage(range, 5)).toEqual(ids((o) => o.createdAt >= from && o.createdAt <= to));
    expect(await everyPage(`${range}&status=completed&eventId=${world.eventId}&email=${email}`, 2)).toEqual(
      ids(
        (o) =>
          o.createdAt >= from &&
          o.createdAt <= to &&
          o.status === 'completed' &&
          o.eventId === world.eventId &&
          o.userId === buyers[1]!.id,
      ),
    );
    expect((await search('?email=nobody%40example.test')).orders).toEqual([]);
    expect((await search('?status=cancelled')).orders).toEqual([]);
  });

  it('is for admins only', async () => {
    expect((await api.call('GET', '/api/admin/orders')).status).toBe(401);
    const res = await api.call('GET', `/api/admin/orders?email=${encodeURIComponent(buyers[0]!.email)}`, {
      token: buyers[0]!.token,
    });
    expect(res.status).toBe(403);
    expect((await res.json()).code).toBe('forbidden');
  });
});

// Last in the file: the answers every test above received, against the app's /openapi.json.
it('every answer in this file has a documented status, media type and body', async () => {
  await expectAnswersDocumented(api);
});
