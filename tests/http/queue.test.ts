import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as s from '../../src/http/schemas.js';
import { startApi, type ApiFixture } from '../support/api.js';
import { seedEvent, type SeededEvent } from '../support/world.js';
import { expectAnswersDocumented } from '../support/documentedResponses.js';

let api: ApiFixture;
let hot: SeededEvent;
let plain: SeededEvent;
beforeAll(async () => {
  api = await startApi();
  hot = await seedEvent(api.db.pool, api.fx.engine, { rows: 1, seatsPerRow: 10, highDemand: true });
  plain = await seedEvent(api.db.pool, api.fx.engine, { rows: 1, seatsPerRow: 10 });
  await api.fx.engine.configureQueue(hot.eventId, {
    ratePerSecond: 2,
    capacity: 10,
    admissionMs: 900_000,
    abandonMs: 120_000,
    seed: 's',
  });
});
afterAll(() => api.close());

const pay = { payment: { method: 'card', token: 'tok_visa' } };

describe('waiting room over HTTP', () => {
  it('queues buyers, admits them in order, and lets only the admitted reserve and buy', async () => {
    const [a, b, c] = [await api.user(), await api.user(), await api.user()];
    const joinA = await api.call('POST', `/api/queue/${hot.eventId}/join`, { token: a.token });
    expect(joinA.status).toBe(200);
    expect(s.queueStandingSchema.parse(await joinA.json())).toEqual({
      status: 'waiting',
      position: 1,
      queueLength: 1,
      estimatedWaitSeconds: 1,
    });
    await api.call('POST', `/api/queue/${hot.eventId}/join`, { token: b.token });
    await api.call('POST', `/api/queue/${hot.eventId}/join`, { token: c.token });
    const again = await (await api.call('POST', `/api/queue/${hot.eventId}/join`, { token: a.token })).json();
    expect(again).toMatchObject({ status: 'waiting', position: 1, queueLength: 3 });
    expect(await (await api.call('GET', `/api/queue/${hot.eventId}/position`, { token: c.token })).json()).toEqual({
      status: 'waiting',
      position: 3,
      queueLength: 3,
      estimatedWaitSeconds: 2,
    });

    const denied = await api.call('POST', '/api/seats/reserve', {
      token: a.token,
      body: { eventId: hot.eventId, seatIds: [hot.seatIds[0]] },
    });
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({ code: 'queue_admission_required' });

    api.fx.clock.advance(1000); // two admissions per second
    await api.fx.engine.admitBuyers(hot.eventId);
    const status = s.queueStatusSchema.parse(
      await (await api.call('GET', `/api/queue/${hot.eventId}/status`, { token: a.token })).json(),
    );
    expect(status).toEqual({ status: 'admitted', admittedUntil: new Date(api.fx.clock.now() + 900_000).toISOString() });
    expect(
      await (await api.call('GET', `/api/queue/${hot.eventId}/position`, { token: c.token })).json(),
    ).toMatchObject({ status: 'waiting', position: 1, queueLength: 1 });

    const held = await api.call('POST', '/api/seats/reserve', {
      token: a.token,
      body: { eventId: hot.eventId, seatIds: [hot.seatIds[0]] },
    });
    expect(held.status).toBe(201);
    const bought = await api.call('POST', '/api/checkout', {
      token: a.token,
      body: { eventId: hot.eventId, ...pay },
      headers: { 'idempotency-key': 'q-1' },
    });
    expect(bought.status).toBe(201);
    // a buyer who has bought leaves the room, and the place goes to the next
    expect(await (await api.call('GET', `/api/queue/${hot.eventId}/status`, { token: a.token })).json()).toEqual({
      status: 'not_queued',
    });
    expect(await api.fx.engine.queueCounts(hot.eventId)).toEqual({ waiting: 1, admitted: 1 });

    expect((await api.call('POST', `/api/queue/${hot.eventId}/leave`, { token: c.token })).status).toBe(204);
    expect(await api.fx.engine.queueCounts(hot.eventId)).toEqual({ waiting: 0, admitted: 1 });
  });

  it('lets an admin set the admission rate and capacity on the event, and the waiting room follows', async () => {
    const admin = await api.user('admin');
    const res = await api.call('PUT', `/api/events/${hot.eventId}`, {
      token: admin.token,
      body: { queueRatePerSecond: 7, queueCapacity: 3 },
    });
    expect(res.status).toBe(200);
    expect((await res.json()).event.queue).toEqual({ ratePerSecond: 7, capacity: 3 });
    const state = await api.fx.redis.hmget(api.fx.engine.keys(hot.eventId)!.queueState, 'rate', 'capacity', 'seed');
    expect(state).toEqual(['7', '3', 's']); // the seed of the early joiners' order is kept
    const bad = await api.call('PUT', `/api/events/${hot.eventId}`, { token: admin.token, body: { queueCapacity: 0 } });
    expect(bad.status).toBe(400);
  });

  it('answers 409 queue_not_enabled for an ordinary event, 404 for an unknown one, 401 without a session', async () => {
    const u = await api.user();
    const res = await api.call('POST', `/api/queue/${plain.eventId}/join`, { token: u.token });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ code: 'queue_not_enabled' });
    expect(
      (await api.call('POST', '/api/queue/00000000-0000-4000-8000-000000000000/join', { token: u.token })).status,
    ).toBe(404);
    expect((await api.call('GET', '/api/queue/not-a-uuid/position', { token: u.token })).status).toBe(404);
    expect((await api.call('POST', `/api/queue/${hot.eventId}/join`)).status).toBe(401);
    expect(await (await api.call('GET', `/api/queue/${hot.eventId}/status`, { token: u.token })).json()).toEqual({
      status: 'not_queued',
    });
  });
});

// Last in the file: the answers every test above received, against the app's /openapi.json.
it('every answer in this file has a documented status, media type and body', async () => {
  await expectAnswersDocumented(api);
});
