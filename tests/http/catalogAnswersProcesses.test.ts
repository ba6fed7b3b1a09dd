import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiFixture } from '../support/api.js';
import { seedEvent } from '../support/world.js';

// Two API processes on one Redis and one database: each keeps the answers it rendered or read.
let a: ApiFixture;
let b: ApiFixture;
let admin: { a: string; b: string };
beforeAll(async () => {
  a = await startApi();
  b = await startApi({ fx: a.fx, db: a.db, persister: false });
  admin = { a: (await a.user('admin')).token, b: (await b.user('admin')).token };
});
afterAll(async () => {
  await b.stop();
  await a.close();
});

/** The event names of a list or page answer. */
const names = async (api: ApiFixture, path: string) => {
  const res = await api.call('GET', path);
  expect(res.status).toBe(200);
  const body = (await res.json()) as { events?: { name: string }[]; event?: { name: string } };
  return body.events?.map((e) => e.name) ?? [body.event!.name];
};

async function rename(api: ApiFixture, token: string, eventId: string, name: string) {
  const res = await api.call('PUT', `/api/events/${eventId}`, { token, body: { name } });
  expect(res.status, await res.clone().text()).toBe(200);
}

/** An event alone at its venue, with its page and a list that finds only it. */
async function event(name: string) {
  const { eventId, venueId } = await seedEvent(a.db.pool, a.fx.engine);
  await rename(a, admin.a, eventId, name);
  return { eventId, page: `/api/events/${eventId}`, list: `/api/events?venueId=${venueId}` };
}

describe('the event list and page, kept as rendered answers in every process', () => {
  it('a change is in the very next answer of the process that made it, though it held the old one', async () => {
    const e = await event('Before');
    for (let i = 0; i < 3; i++) {
      expect(await names(a, e.page)).toEqual(['Before']);
      expect(await names(a, e.list)).toEqual(['Before']);
    }
    await rename(a, admin.a, e.eventId, 'After');
    expect(await names(a, e.page)).toEqual(['After']);
    expect(await names(a, e.list)).toEqual(['After']);
  });

  it('requests arriving together after a change all get the changed answer', async () => {
    const e = await event('One');
    expect(await names(a, e.page)).toEqual(['One']);
    await rename(a, admin.a, e.eventId, 'Two');
    const answers = await Promise.all(Array.from({ length: 20 }, () => names(a, e.page)));
    expect(answers).toEqual(Array.from({ length: 20 }, () => ['Two']));
  });

  it('another process holding the old answers shows the change in its very next answers too', async () => {
    const e = await event('Old');
    for (let i = 0; i < 3; i++) {
      expect(await names(b, e.page)).toEqual(['Old']);
      expect(await names(b, e.list)).toEqual(['Old']);
    }
    await rename(a, admin.a, e.eventId, 'New');
    expect(await names(b, e.page)).toEqual(['New']);
    expect(await names(b, e.list)).toEqual(['New']);
  });
});
