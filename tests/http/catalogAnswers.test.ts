import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startApi, type ApiFixture } from '../support/api.js';
import { seedEvent, type SeededEvent } from '../support/world.js';

let api: ApiFixture;
let world: SeededEvent;
beforeAll(async () => {
  api = await startApi();
  world = await seedEvent(api.db.pool, api.fx.engine);
});
afterAll(() => api.close());

const listOfVenue = async () =>
  (await (await api.call('GET', `/api/events?venueId=${world.venueId}`)).json()) as {
    events: { name: string; counts: { held: number } }[];
  };
const page = async () =>
  (await (await api.call('GET', `/api/events/${world.eventId}`)).json()) as {
    event: { name: string; counts: { held: number } };
  };

describe('the event list and page are rendered answers: one Redis read while the catalogue is unchanged, for a second at most', () => {
  it('serve a kept answer without asking Postgres or the actor, until the next second of the clock', async () => {
    api.fx.clock.advance(1_000);
    expect((await page()).event.counts.held).toBe(0);
    expect((await listOfVenue()).events.map((e) => e.counts.held)).toEqual([0]);
    const buyer = await api.user();
    const held = await api.call('POST', '/api/seats/reserve', {
      token: buyer.token,
      body: { eventId: world.eventId, seatIds: [world.seatIds[0]] },
    });
    expect(held.status).toBe(201);
    // a write behind the catalogue's back (no invalidation): the kept answers do not see it
    await api.db.pool.query(`UPDATE events SET name = 'Renamed quietly' WHERE id = $1`, [world.eventId]);
    expect((await page()).event).toMatchObject({ name: 'Test Event', counts: { held: 0 } });
    expect((await listOfVenue()).events[0]).toMatchObject({ name: 'Test Event', counts: { held: 0 } });
    expect(await api.fx.redis.keys(`${api.fx.prefix}{catalog}:answer:*`)).toHaveLength(2);
    // the next second renders again: live counts (the row itself is cached longer, as before)
    api.fx.clock.advance(1_000);
    expect((await page()).event.counts.held).toBe(1);
    expect((await listOfVenue()).events[0]!.counts.held).toBe(1);
  });

  it('requests that miss the answer together (a new second) share one render', async () => {
    api.fx.clock.advance(1_000);
    const counts = vi.spyOn(api.fx.engine, 'counts');
    try {
      const pages = await Promise.all(Array.from({ length: 20 }, () => page()));
      expect(new Set(pages.map((p) => JSON.stringify(p)))).toHaveLength(1);
      expect(counts).toHaveBeenCalledTimes(1);
      const lists = await Promise.all(Array.from({ length: 20 }, () => listOfVenue()));
      expect(lists.map((l) => l.events.length)).toEqual(Array(20).fill(1));
      expect(counts).toHaveBeenCalledTimes(2);
    } finally {
      counts.mockRestore();
    }
  });

  it('a catalogue write ends every kept answer at once', async () => {
    expect((await page()).event.name).not.toBe('Renamed');
    const admin = await api.user('admin');
    expect(
      (await api.call('PUT', `/api/events/${world.eventId}`, { token: admin.token, body: { name: 'Renamed' } })).status,
    ).toBe(200);
    expect((await page()).event.name).toBe('Renamed');
    expect((await listOfVenue()).events[0]!.name).toBe('Renamed');
  });

  it('a refused request is never kept: the same bad query is refused again', async () => {
    for (let i = 0; i < 2; i++) expect((await api.call('GET', '/api/events?limit=0')).status).toBe(400);
    for (let i = 0; i < 2; i++)
      expect((await api.call('GET', '/api/events/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });
});
