import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiFixture } from '../support/api.js';
import { seedEvent } from '../support/world.js';

let api: ApiFixture;
beforeAll(async () => {
  // notifications as the process would start them (the test switch on), in the mode under test
  api = await startApi({ notifications: true, env: { NOTIFICATIONS: 'outbox' } });
});
afterAll(() => api.close());

describe('NOTIFICATIONS=outbox: the API writes the outbox and leaves relaying to `npm run notify`', () => {
  it("a checkout's order is announced in the outbox and stays unpublished by this process", async () => {
    expect(api.notifications).toBeUndefined();
    const world = await seedEvent(api.db.pool, api.fx.engine);
    const buyer = await api.user();
    expect(
      (
        await api.call('POST', '/api/seats/reserve', {
          token: buyer.token,
          body: { eventId: world.eventId, seatIds: [world.seatIds[0]] },
        })
      ).status,
    ).toBe(201);
    const res = await api.call('POST', '/api/checkout', {
      token: buyer.token,
      body: { eventId: world.eventId, payment: { method: 'card', token: 'tok_visa' } },
      headers: { 'idempotency-key': 'only-outbox' },
    });
    expect(res.status).toBe(201);
    const { order } = (await res.json()) as { order: { id: string } };
    const { rows } = await api.db.pool.query('SELECT type, published_at FROM outbox WHERE subject_id = $1', [order.id]);
    expect(rows).toEqual([{ type: 'order.completed', published_at: null }]);
  });
});
