import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as s from '../../src/http/schemas.js';
import { startApi, type ApiFixture } from '../support/api.js';
import { expectAnswersDocumented } from '../support/documentedResponses.js';

/** PUT /api/venues/:id: names always, the layout only while no event uses the venue. */

let api: ApiFixture;
let admin: { id: string; token: string };
const venueBody = z.strictObject({ venue: s.venueSchema });
const at = (offsetMs: number) => new Date(api.fx.clock.now() + offsetMs).toISOString();

beforeAll(async () => {
  api = await startApi();
  admin = await api.user('admin');
});
afterAll(() => api.close());

async function newVenue(rows = 1) {
  const body = {
    name: 'Old Hall',
    address: '1 Old Street',
    city: 'Braga',
    sections: [{ name: 'A', rows, seatsPerRow: 2 }],
  };
  return venueBody.parse(await (await api.call('POST', '/api/venues', { token: admin.token, body })).json()).venue;
}
const put = (id: string, body: unknown, token = admin.token) => api.call('PUT', `/api/venues/${id}`, { token, body });
const createEvent = (venueId: string) =>
  api.call('POST', '/api/events', {
    token: admin.token,
    body: {
      name: 'E',
      artist: 'A',
      venueId,
      eventDate: at(30 * 86_400_000),
      onSaleDate: at(-60_000),
      prices: { A: 100 },
    },
  });

describe('PUT /api/venues/:id', () => {
  it('changes the layout of an unused venue, and the next event is made from it', async () => {
    const venue = await newVenue();
    const res = await put(venue.id, {
      sections: [
        { name: 'A', rows: 3, seatsPerRow: 4 },
        { name: 'B', rows: 1, seatsPerRow: 1 },
      ],
    });
    const updated = venueBody.parse(await res.json()).venue;
    expect(updated).toEqual({
      ...venue,
      capacity: 13,
      sections: [
        { name: 'A', rows: 3, seatsPerRow: 4 },
        { name: 'B', rows: 1, seatsPerRow: 1 },
      ],
    });
    expect((await api.call('GET', `/api/venues/${venue.id}`).then((r) => r.json())).venue).toEqual(updated);
    const event = await api.call('POST', '/api/events', {
      token: admin.token,
      body: {
        name: 'E',
        artist: 'A',
        venueId: venue.id,
        eventDate: at(86_400_000),
        onSaleDate: at(0),
        prices: { A: 1, B: 2 },
      },
    });
    expect((await event.json()).event.counts.total).toBe(13);
  });

  it('renames a venue in use (its events show the new name at once) but refuses a new layout with 409 venue_in_use', async () => {
    const venue = await newVenue();
    const { event } = await (await createEvent(venue.id)).json();
    expect((await (await api.call('GET', `/api/events/${event.id}`)).json()).event.venue.name).toBe('Old Hall');

    const renamed = await put(venue.id, { name: 'New Hall', address: '', city: 'Porto' });
    expect(venueBody.parse(await renamed.json()).venue).toEqual({
      ...venue,
      name: 'New Hall',
      address: '',
      city: 'Porto',
    });
    expect((await (await api.call('GET', `/api/events/${event.id}`)).json()).event.venue).toEqual({
      id: venue.id,
      name: 'New Hall',
      city: 'Porto',
    });

    const refused = await put(venue.id, { name: 'Newer Hall', sections: [{ name: 'A', rows: 2, seatsPerRow: 2 }] });
    expect(refused.status).toBe(409);
    expect((await refused.json()).code).toBe('venue_in_use');
    // nothing of a refused request is applied; sending the layout it already has is fine
    const same = await put(venue.id, { sections: venue.sections });
    expect(venueBody.parse(await same.json()).venue).toMatchObject({
      name: 'New Hall',
      sections: venue.sections,
      capacity: 2,
    });
  });

  it('answers 404 for an unknown venue, 401 without a session and 403 for a user', async () => {
    const venue = await newVenue();
    expect((await put('00000000-0000-4000-8000-000000000000', { name: 'X' })).status).toBe(404);
    expect((await put('not-a-uuid', { name: 'X' })).status).toBe(404);
    expect((await api.call('PUT', `/api/venues/${venue.id}`, { body: { name: 'X' } })).status).toBe(401);
    const user = await api.user();
    const res = await put(venue.id, { name: 'X' }, user.token);
    expect([res.status, (await res.json()).code]).toEqual([403, 'forbidden']);
  });

  it('a layout change racing an event creation never leaves an event whose seats differ from its venue', async () => {
    for (let round = 0; round < 8; round++) {
      const venue = await newVenue(1);
      const [changed, created] = await Promise.all([
        put(venue.id, { sections: [{ name: 'A', rows: 5, seatsPerRow: 2 }] }),
        createEvent(venue.id),
      ]);
      const outcome = [changed.status, created.status];
      expect([
        [200, 201],
        [409, 201],
        [200, 409],
      ]).toContainEqual(outcome);
      if (created.status === 409) expect((await created.json()).code).toBe('venue_changed');
      const { rows } = await api.db.pool.query(
        `SELECT v.capacity, (SELECT count(*)::int FROM seats s JOIN events e ON e.id = s.event_id WHERE e.venue_id = v.id) AS seats,
                (SELECT count(*)::int FROM events e WHERE e.venue_id = v.id) AS events
         FROM venues v WHERE v.id = $1`,
        [venue.id],
      );
      const { capacity, seats, events } = rows[0];
      expect(events).toBe(created.status === 201 ? 1 : 0);
      if (events === 1) expect(seats).toBe(capacity);
    }
  });
});

// Last in the file: the answers every test above received, against the app's /openapi.json.
it('every answer in this file has a documented status, media type and body', async () => {
  await expectAnswersDocumented(api);
});
