import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcileEvent } from '../../src/persist/reconcile.js';
import { startApi, type ApiFixture } from '../support/api.js';
import { seedEvent } from '../support/world.js';
import { expectAnswersDocumented } from '../support/documentedResponses.js';

const BUYERS = 300;
const SEATS = 50;

let api: ApiFixture;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

describe(`on-sale: ${BUYERS} buyers race for ${SEATS} seats over HTTP`, () => {
  it('sells exactly 50 seats, Postgres agrees, every other attempt gets a clear 409', async () => {
    const { eventId, seatIds } = await seedEvent(api.db.pool, api.fx.engine, { rows: 5, seatsPerRow: 10 });
    const buyers = await Promise.all(Array.from({ length: BUYERS }, () => api.user()));
    const outcomes = await Promise.all(
      buyers.map(async (buyer, i) => {
        const wanted = [seatIds[i % SEATS]!]; // six buyers for every seat
        const reserve = await api.call('POST', '/api/seats/reserve', {
          token: buyer.token,
          body: { eventId, seatIds: wanted },
        });
        if (reserve.status !== 201) return { reserve: reserve.status, code: (await reserve.json()).code as string };
        const checkout = await api.call('POST', '/api/checkout', {
          token: buyer.token,
          body: { eventId, payment: { method: 'card', token: 'tok_visa' } },
          headers: { 'idempotency-key': `k-${i}` },
        });
        return { reserve: 201, checkout: checkout.status, body: await checkout.json() };
      }),
    );
    const refused = outcomes.filter((o) => o.reserve !== 201);
    expect(new Set(refused.map((o) => `${o.reserve} ${o.code}`))).toEqual(new Set(['409 seats_unavailable']));
    const bought = outcomes.filter((o) => o.checkout === 201);
    expect(outcomes.filter((o) => o.reserve === 201 && o.checkout !== 201)).toEqual([]);
    const soldSeats = bought.flatMap((o) => o.body.order.items.map((i: { seatId: string }) => i.seatId));
    expect(soldSeats).toHaveLength(new Set(soldSeats).size);
    expect(soldSeats).toHaveLength(SEATS);

    const { rows } = await api.db.pool.query(
      `SELECT count(*)::int AS tickets, count(DISTINCT seat_id)::int AS seats FROM tickets WHERE event_id = $1 AND status = 'valid'`,
      [eventId],
    );
    expect(rows[0]).toEqual({ tickets: SEATS, seats: SEATS });
    const report = await reconcileEvent({ engine: api.fx.engine, pool: api.db.pool }, eventId);
    expect(report.ok && report.report).toMatchObject({
      backlog: 0,
      redisSold: SEATS,
      postgresSold: SEATS,
      consistent: true,
    });
  });
});

// Last in the file: the answers every test above received, against the app's /openapi.json.
it('every answer in this file has a documented status, media type and body', async () => {
  await expectAnswersDocumented(api);
});
