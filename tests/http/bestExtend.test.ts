import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiFixture } from '../support/api.js';
import { seedEvent } from '../support/world.js';
import { expectAnswersDocumented } from '../support/documentedResponses.js';

let api: ApiFixture;
let admin: { id: string; token: string };
beforeAll(async () => {
  api = await startApi();
  admin = await api.user('admin');
});
afterAll(() => api.close());

/** An on-sale event at a venue with sections Front (2 x 6 at 9000) and Back (2 x 8 at 4000), made through the API. */
async function twoSectionEvent() {
  const venue = await (
    await api.call('POST', '/api/venues', {
      token: admin.token,
      body: {
        name: 'Two Rooms',
        city: 'Testville',
        sections: [
          { name: 'Front', rows: 2, seatsPerRow: 6 },
          { name: 'Back', rows: 2, seatsPerRow: 8 },
        ],
      },
    })
  ).json();
  const now = api.fx.clock.now();
  const created = await api.call('POST', '/api/events', {
    token: admin.token,
    body: {
      name: 'Best Night',
      artist: 'Blocks',
      venueId: venue.venue.id,
      prices: { Front: 9000, Back: 4000 },
      eventDate: new Date(now + 30 * 86_400_000).toISOString(),
      onSaleDate: new Date(now - 60_000).toISOString(),
    },
  });
  expect(created.status).toBe(201);
  const eventId: string = (await created.json()).event.id;
  const map = await (await api.call('GET', `/api/events/${eventId}/seats`)).json();
  const label = new Map<string, string>(
    map.seats.map((s: { id: string; section: string; row: string; number: string }) => [
      s.id,
      `${s.section} ${s.row}-${s.number}`,
    ]),
  );
  return { eventId, label: (ids: string[]) => ids.map((id) => label.get(id)) };
}

const best = (token: string, body: Record<string, unknown>) => api.call('POST', '/api/seats/best', { token, body });

describe('POST /api/seats/best', () => {
  it('holds the best block: first section, first row, nearest the middle; answers the hold as reserve does', async () => {
    const { eventId, label } = await twoSectionEvent();
    const a = await api.user();
    const res = await best(a.token, { eventId, quantity: 2 });
    expect(res.status).toBe(201);
    const { hold } = await res.json();
    expect(label(hold.seatIds)).toEqual(['Front 1-3', 'Front 1-4']);
    expect(hold).toEqual({
      eventId,
      seatIds: hold.seatIds,
      totalCents: 18_000,
      expiresAt: new Date(api.fx.clock.now() + api.fx.engine.limits.holdTtlMs).toISOString(),
    });
    const b = await api.user();
    const next = await (await best(b.token, { eventId, quantity: 3 })).json();
    expect(label(next.hold.seatIds)).toEqual(['Front 2-2', 'Front 2-3', 'Front 2-4']);
    const c = await api.user();
    const inBack = await (await best(c.token, { eventId, quantity: 4, section: 'Back' })).json();
    expect(label(inBack.hold.seatIds)).toEqual(['Back 1-3', 'Back 1-4', 'Back 1-5', 'Back 1-6']);
    const d = await api.user();
    const cheap = await (await best(d.token, { eventId, quantity: 2, maxPriceCents: 5000 })).json();
    expect(label(cheap.hold.seatIds)).toEqual(['Back 1-1', 'Back 1-2']);
    // the hold is every seat the caller holds, as with reserve
    const more = await (await best(d.token, { eventId, quantity: 1, maxPriceCents: 5000 })).json();
    expect(label(more.hold.seatIds)).toEqual(['Back 1-1', 'Back 1-2', 'Back 1-7']);
    expect(more.hold.totalCents).toBe(12_000);
  });

  it('answers 409 seats_unavailable when no block fits, and changes nothing', async () => {
    const { eventId } = await twoSectionEvent();
    const a = await api.user();
    const before = await (await api.call('GET', `/api/events/${eventId}/seats`)).json();
    for (const body of [
      { eventId, quantity: 6, section: 'Back', maxPriceCents: 3999 },
      { eventId, quantity: 1, maxPriceCents: 0 },
    ]) {
      const res = await best(a.token, body);
      expect(res.status).toBe(409);
      expect(await res.json()).toMatchObject({ code: 'seats_unavailable', unavailableSeatIds: [] });
    }
    expect(await (await api.call('GET', `/api/events/${eventId}/seats`)).json()).toEqual(before);
  });

  it('refuses an unknown section (400), an unknown event (404), a cap overrun (409) and no session (401)', async () => {
    const { eventId } = await twoSectionEvent();
    const a = await api.user();
    const cases: [Record<string, unknown>, string | undefined, number, string][] = [
      [{ eventId, quantity: 1, section: 'Balcony' }, a.token, 400, 'validation_failed'],
      [{ eventId: '00000000-0000-4000-8000-000000000000', quantity: 1 }, a.token, 404, 'not_found'],
      [{ eventId, quantity: 1 }, undefined, 401, 'unauthenticated'],
    ];
    for (const [body, token, status, code] of cases) {
      const res = await api.call('POST', '/api/seats/best', { token, body });
      expect(res.status).toBe(status);
      expect((await res.json()).code).toBe(code);
    }
    expect((await best(a.token, { eventId, quantity: 5 })).status).toBe(201);
    const over = await best(a.token, { eventId, quantity: 2 });
    expect(over.status).toBe(409);
    expect((await over.json()).code).toBe('hold_limit_exceeded');
  });
});

describe('POST /api/seats/extend', () => {
  it('moves every held seat HOLD_EXTENSION later, once per hold; the extended hold can be bought', async () => {
    const { eventId, seatIds } = await seedEvent(api.db.pool, api.fx.engine);
    const a = await api.user();
    const t0 = api.fx.clock.now();
    await api.call('POST', '/api/seats/reserve', {
      token: a.token,
      body: { eventId, seatIds: [seatIds[0], seatIds[1]] },
    });
    const res = await api.call('POST', '/api/seats/extend', { token: a.token, body: { eventId } });
    expect(res.status).toBe(200);
    const { limits } = api.fx.engine;
    expect(await res.json()).toEqual({
      hold: {
        eventId,
        seatIds: [seatIds[0], seatIds[1]],
        totalCents: 10_000,
        expiresAt: new Date(t0 + limits.holdTtlMs + limits.holdExtensionMs).toISOString(),
      },
    });
    const again = await api.call('POST', '/api/seats/extend', { token: a.token, body: { eventId } });
    expect(again.status).toBe(409);
    expect((await again.json()).code).toBe('hold_extension_used');
    api.fx.clock.advance(limits.holdTtlMs + 1);
    const bought = await api.call('POST', '/api/checkout', {
      token: a.token,
      headers: { 'idempotency-key': 'ext-1' },
      body: { eventId, payment: { method: 'card', token: 'tok_visa' } },
    });
    expect(bought.status).toBe(201);
  });

  it('refuses without a hold (409 no_active_hold), for an unknown event (404) and without a session (401)', async () => {
    const { eventId } = await seedEvent(api.db.pool, api.fx.engine);
    const a = await api.user();
    const cases: [Record<string, unknown>, string | undefined, number, string][] = [
      [{ eventId }, a.token, 409, 'no_active_hold'],
      [{ eventId: '00000000-0000-4000-8000-000000000000' }, a.token, 404, 'not_found'],
      [{ eventId }, undefined, 401, 'unauthenticated'],
      [{ eventId, extraSeconds: 3600 }, a.token, 400, 'validation_failed'],
    ];
    for (const [body, token, status, code] of cases) {
      const res = await api.call('POST', '/api/seats/extend', { token, body });
      expect(res.status).toBe(status);
      expect((await res.json()).code).toBe(code);
    }
  });
});

describe('200 concurrent best-available buyers over HTTP', () => {
  it('every hold is a contiguous block in one row and no seat is held twice', async () => {
    const ROWS = 20;
    const PER_ROW = 25;
    const { eventId, seatIds } = await seedEvent(api.db.pool, api.fx.engine, { rows: ROWS, seatsPerRow: PER_ROW });
    const indexOf = new Map(seatIds.map((id, i) => [id, i]));
    const buyers = await Promise.all(Array.from({ length: 200 }, () => api.user()));
    const wants = (i: number) => 1 + (i % 6);
    const answers = await Promise.all(
      buyers.map(async (b, i) => {
        const res = await best(b.token, { eventId, quantity: wants(i) });
        return { status: res.status, body: await res.json() };
      }),
    );
    const taken = new Set<number>();
    answers.forEach(({ status, body }, i) => {
      if (status !== 201) {
        expect(body.code).toBe('seats_unavailable');
        return;
      }
      const seats: number[] = body.hold.seatIds.map((id: string) => indexOf.get(id)!);
      expect(seats).toHaveLength(wants(i));
      seats.forEach((s, k) => {
        if (k > 0) expect(s).toBe(seats[k - 1]! + 1);
        expect(taken.has(s), `seat ${s} held twice`).toBe(false);
        taken.add(s);
      });
      expect(Math.floor(seats[0]! / PER_ROW)).toBe(Math.floor(seats.at(-1)! / PER_ROW));
    });
    expect(answers.filter((a) => a.status === 201).length).toBeGreaterThan(100);
    const map = await (await api.call('GET', `/api/events/${eventId}/seats`)).json();
    expect(map.counts).toEqual({
      total: ROWS * PER_ROW,
      available: ROWS * PER_ROW - taken.size,
      held: taken.size,
      sold: 0,
    });
  });
});

// Last in the file: the answers every test above received, against the app's /openapi.json.
it('every answer in this file has a documented status, media type and body', async () => {
  await expectAnswersDocumented(api);
});
