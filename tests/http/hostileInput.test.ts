import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebuildActor } from '../../src/persist/rebuild.js';
import { startApi, type ApiFixture } from '../support/api.js';
import { seedEvent, type SeededEvent } from '../support/world.js';
import { expectAnswersDocumented } from '../support/documentedResponses.js';

/**
 * Hostile and careless input: every case gets its exact 4xx problem (never a 5xx), carries
 * the security headers, and changes nothing in Postgres or in the engine.
 */

let api: ApiFixture;
let world: SeededEvent;
let upcoming: SeededEvent;
/** on sale from a minute ago, its sales ended 30 s ago (long before the event) */
let ended: SeededEvent;
let admin: { id: string; token: string };
let holder: { id: string; token: string };
let owner: { id: string; token: string };
let stranger: { id: string; token: string };
let loggedOut: string;
let orderId: string;
let ownerTicket: string;
const ZERO_UUID = '00000000-0000-4000-8000-000000000000';

beforeAll(async () => {
  api = await startApi();
  world = await seedEvent(api.db.pool, api.fx.engine, { rows: 2, seatsPerRow: 10 });
  upcoming = await seedEvent(api.db.pool, api.fx.engine, { rows: 1, seatsPerRow: 5 });
  await api.db.pool.query('UPDATE events SET on_sale_date = $2 WHERE id = $1', [
    upcoming.eventId,
    new Date(api.fx.clock.now() + 86_400_000),
  ]);
  await api.fx.engine.dropActor(upcoming.eventId, await api.fx.engine.salesHead(upcoming.eventId));
  await rebuildActor({ engine: api.fx.engine, pool: api.db.pool }, upcoming.eventId);
  ended = await seedEvent(api.db.pool, api.fx.engine, { rows: 1, seatsPerRow: 5 });
  await api.db.pool.query('UPDATE events SET sales_end_date = $2 WHERE id = $1', [
    ended.eventId,
    new Date(api.fx.clock.now() - 30_000),
  ]);
  await rebuildActor({ engine: api.fx.engine, pool: api.db.pool }, ended.eventId);
  admin = await api.user('admin');
  [holder, owner, stranger] = [await api.user(), await api.user(), await api.user()];
  const out = await api.user();
  await api.call('POST', '/api/auth/logout', { token: out.token });
  loggedOut = out.token;

  await api.call('POST', '/api/seats/reserve', {
    token: owner.token,
    body: { eventId: world.eventId, seatIds: [world.seatIds[0]] },
  });
  const bought = await api.call('POST', '/api/checkout', {
    token: owner.token,
    body: checkoutBody(),
    headers: { 'idempotency-key': 'owner-1' },
  });
  orderId = (await bought.json()).order.id;
  ownerTicket = (await (await api.call('GET', '/api/tickets', { token: owner.token })).json()).tickets[0].id;
  await api.call('POST', '/api/seats/reserve', {
    token: holder.token,
    body: { eventId: world.eventId, seatIds: [world.seatIds[1], world.seatIds[2]] },
  });
  await api.call('POST', '/api/seats/reserve', {
    token: owner.token,
    body: { eventId: world.eventId, seatIds: [world.seatIds[3]] },
  });
  await api.call('POST', '/api/seats/extend', { token: owner.token, body: { eventId: world.eventId } });
});
afterAll(() => api.close());

function checkoutBody(token = 'tok_visa') {
  return { eventId: world.eventId, payment: { method: 'card', token } };
}
const reserveBody = (seatIds: unknown, extra: Record<string, unknown> = {}) => ({
  eventId: world.eventId,
  seatIds,
  ...extra,
});
const seat = (i: number) => world.seatIds[i]!;

/** What must not change: Postgres row counts and statuses, and every event's live state. */
async function fingerprint() {
  const { rows } = await api.db.pool.query(`
    SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM venues) AS venues,
           (SELECT count(*) FROM events) AS events, (SELECT string_agg(state || name || on_sale_date || coalesce(sales_end_date::text, '-'), ',' ORDER BY id) FROM events) AS event_rows,
           (SELECT string_agg(name || city || address || sections::text, ',' ORDER BY id) FROM venues) AS venue_rows,
           (SELECT count(*) FROM seats) AS seats, (SELECT string_agg(status, ',' ORDER BY id) FROM orders) AS orders,
           (SELECT count(*) FROM tickets WHERE status = 'valid') AS tickets,
           (SELECT string_agg(role, ',' ORDER BY id) FROM users) AS roles,
           (SELECT count(*) FROM webhooks WHERE deleted_at IS NULL) AS webhooks,
           (SELECT string_agg(holder_id || ':' || version || ':' || status, ',' ORDER BY id) FROM tickets) AS ticket_rows,
           (SELECT count(*) FROM ticket_transfers) AS transfers`);
  const live = await Promise.all(
    [world.eventId, upcoming.eventId, ended.eventId].map(async (id) => {
      const snap = await api.fx.engine.snapshotEvent(id);
      return snap.ok ? [snap.version, snap.states] : [snap.code];
    }),
  );
  return { ...rows[0], live, holder: await api.fx.engine.getHold(world.eventId, holder.id) };
}

type Who = 'anon' | 'admin' | 'holder' | 'owner' | 'stranger';
interface Case {
  name: string;
  who?: Who;
  method: string;
  path: string | (() => string);
  /** built when the case runs: the world exists only then */
  body?: () => unknown;
  /** a function when it needs the world (a real session of someone) */
  headers?: Record<string, string> | (() => Record<string, string>);
  status: number;
  code?: string;
}

const tokenOf = (who: Who | undefined) =>
  ({ anon: undefined, admin: admin.token, holder: holder.token, owner: owner.token, stranger: stranger.token })[
    who ?? 'anon'
  ];
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const idem = (key: string) => ({ 'idempotency-key': key });

const CASES: Case[] = [
  // content types and bodies
  {
    name: 'text/plain body',
    who: 'holder',
    method: 'POST',
    path: '/api/seats/reserve',
    body: () => JSON.stringify(reserveBody([seat(5)])),
    headers: { 'content-type': 'text/plain' },
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'form-encoded body',
    who: 'holder',
    method: 'POST',
    path: '/api/seats/reserve',
    body: () => 'eventId=x&seatIds=y',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'no content type',
    who: 'holder',
    method: 'POST',
    path: '/api/seats/reserve',
    body: () => JSON.stringify(reserveBody([seat(5)])),
    headers: { 'content-type': '' },
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'malformed JSON',
    who: 'holder',
    method: 'POST',
    path: '/api/seats/reserve',
    body: () => '{"eventId": ',
    status: 400,
    code: 'malformed_json',
  },
  {
    name: 'JSON with a trailing comma',
    who: 'holder',
    method: 'POST',
    path: '/api/seats/reserve',
    body: () => '{"eventId": "x",}',
    status: 400,
    code: 'malformed_json',
  },
  {
    name: 'invalid UTF-8',
    who: 'holder',
    method: 'POST',
    path: '/api/seats/reserve',
    body: () => '{"eventId": "\udc00"}',
    status: 400,
  },
  {
    name: 'a JSON array',
    who: 'holder',
    method: 'POST',
    path: '/api/seats/reserve',
    body: () => '[]',
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'JSON null',
    who: 'holder',
    method: 'POST',
    path: '/api/seats/reserve',
    body: () => 'null',
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'a JSON string',
    who: 'holder',
    method: 'POST',
    path: '/api/seats/reserve',
    body: () => '"seats"',
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'deeply nested JSON',
    who: 'holder',
    method: 'POST',
    path: '/api/seats/reserve',
    body: () => nested(8_000),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'deeply nested field',
    who: 'holder',
    method: 'POST',
    path: '/api/seats/reserve',
    body: () => `{"eventId":${nested(5_000)},"seatIds":[]}`,
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'a body over 16 KiB',
    who: 'holder',
    method: 'POST',
    path: '/api/seats/reserve',
    body: () => JSON.stringify(reserveBody([seat(5)], { pad: 'x'.repeat(17_000) })),
    status: 413,
    code: 'payload_too_large',
  },
  {
    name: 'an empty body',
    who: 'holder',
    method: 'POST',
    path: '/api/seats/reserve',
    body: () => '',
    status: 400,
    code: 'malformed_json',
  },
  // mass assignment
  {
    name: 'reserve for another userId',
    who: 'holder',
    method: 'POST',
    path: '/api/seats/reserve',
    body: () => reserveBody([seat(5)], { userId: ZERO_UUID }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'register as admin',
    method: 'POST',
    path: '/api/auth/register',
    body: () => ({ email: 'm@a.test', password: 'long enough', name: 'M', role: 'admin' }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'register with an id',
    method: 'POST',
    path: '/api/auth/register',
    body: () => ({ email: 'm@a.test', password: 'long enough', name: 'M', id: ZERO_UUID }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'create an event with a status',
    who: 'admin',
    method: 'POST',
    path: '/api/events',
    status: 400,
    code: 'validation_failed',
    body: () => ({
      name: 'E',
      artist: 'A',
      venueId: world.venueId,
      eventDate: '2031-01-01T20:00:00Z',
      onSaleDate: '2030-06-01T00:00:00Z',
      prices: { Floor: 1 },
      status: 'on_sale',
    }),
  },
  {
    name: 'PUT an event state',
    who: 'admin',
    method: 'PUT',
    path: () => `/api/events/${world.eventId}`,
    body: () => ({ state: 'cancelled' }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'checkout with a price',
    who: 'holder',
    method: 'POST',
    path: '/api/checkout',
    body: () => ({ ...checkoutBody(), totalCents: 1 }),
    headers: idem('h-1'),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'checkout with a payment amount',
    who: 'holder',
    method: 'POST',
    path: '/api/checkout',
    body: () => ({ eventId: world.eventId, payment: { method: 'card', token: 'tok_visa', amountCents: 1 } }),
    headers: idem('h-2'),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'a venue with a capacity',
    who: 'admin',
    method: 'POST',
    path: '/api/venues',
    body: () => ({ name: 'V', city: 'C', sections: [{ name: 'A', rows: 1, seatsPerRow: 1 }], capacity: 99 }),
    status: 400,
    code: 'validation_failed',
  },
  // prototype pollution
  {
    name: '__proto__ in a body',
    who: 'holder',
    method: 'POST',
    path: '/api/seats/reserve',
    body: () => `{"eventId":"${'x'}","seatIds":[],"__proto__":{"role":"admin"}}`,
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'constructor.prototype in a body',
    who: 'holder',
    method: 'POST',
    path: '/api/seats/reserve',
    body: () => '{"constructor":{"prototype":{"role":"admin"}}}',
    status: 400,
    code: 'validation_failed',
  },
  {
    name: '__proto__ in a registration',
    method: 'POST',
    path: '/api/auth/register',
    body: () => '{"email":"p@p.test","password":"long enough","name":"P","__proto__":{"role":"admin"}}',
    status: 400,
    code: 'validation_failed',
  },
  {
    name: '__proto__ in prices',
    who: 'admin',
    method: 'PUT',
    path: () => `/api/events/${world.eventId}`,
    body: () => '{"prices":{"__proto__":{"Floor":1}}}',
    status: 400,
    code: 'validation_failed',
  },
  // types and boundaries
  {
    name: 'seatIds not an array',
    who: 'holder',
    method: 'POST',
    path: '/api/seats/reserve',
    body: () => reserveBody(seat(5)),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'no seats',
    who: 'holder',
    method: 'POST',
    path: '/api/seats/reserve',
    body: () => reserveBody([]),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'seven seats',
    who: 'stranger',
    method: 'POST',
    path: '/api/seats/reserve',
    body: () => reserveBody(world.seatIds.slice(10, 17)),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'a seat twice',
    who: 'stranger',
    method: 'POST',
    path: '/api/seats/reserve',
    body: () => reserveBody([seat(10), seat(10)]),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'a seat id that is not a UUID',
    who: 'stranger',
    method: 'POST',
    path: '/api/seats/reserve',
    body: () => reserveBody(['A-1']),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'a seat of another event',
    who: 'stranger',
    method: 'POST',
    path: '/api/seats/reserve',
    body: () => reserveBody([upcoming.seatIds[0]]),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'a numeric eventId',
    who: 'stranger',
    method: 'POST',
    path: '/api/seats/reserve',
    body: () => ({ eventId: 42, seatIds: [seat(10)] }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'seats already held by another',
    who: 'stranger',
    method: 'POST',
    path: '/api/seats/reserve',
    body: () => reserveBody([seat(1)]),
    status: 409,
    code: 'seats_unavailable',
  },
  {
    name: 'a sold seat',
    who: 'stranger',
    method: 'POST',
    path: '/api/seats/reserve',
    body: () => reserveBody([seat(0)]),
    status: 409,
    code: 'seats_unavailable',
  },
  {
    name: 'an event not on sale yet',
    who: 'stranger',
    method: 'POST',
    path: '/api/seats/reserve',
    body: () => ({ eventId: upcoming.eventId, seatIds: [upcoming.seatIds[0]] }),
    status: 409,
    code: 'event_not_on_sale',
  },
  {
    name: 'an event whose sales ended',
    who: 'stranger',
    method: 'POST',
    path: '/api/seats/reserve',
    body: () => ({ eventId: ended.eventId, seatIds: [ended.seatIds[0]] }),
    status: 409,
    code: 'event_not_on_sale',
  },
  {
    name: 'best available after the sales end',
    who: 'stranger',
    method: 'POST',
    path: '/api/seats/best',
    body: () => ({ eventId: ended.eventId, quantity: 2 }),
    status: 409,
    code: 'event_not_on_sale',
  },
  {
    name: 'an extension after the sales end',
    who: 'stranger',
    method: 'POST',
    path: '/api/seats/extend',
    body: () => ({ eventId: ended.eventId }),
    status: 409,
    code: 'event_not_on_sale',
  },
  {
    name: 'an unknown event',
    who: 'stranger',
    method: 'POST',
    path: '/api/seats/reserve',
    body: () => ({ eventId: ZERO_UUID, seatIds: [ZERO_UUID] }),
    status: 404,
    code: 'not_found',
  },
  { name: 'limit 0', method: 'GET', path: '/api/events?limit=0', status: 400, code: 'validation_failed' },
  { name: 'limit 101', method: 'GET', path: '/api/events?limit=101', status: 400, code: 'validation_failed' },
  { name: 'limit not a number', method: 'GET', path: '/api/events?limit=ten', status: 400, code: 'validation_failed' },
  {
    name: 'a forged cursor',
    method: 'GET',
    path: '/api/events?cursor=J09SIDE9MQ',
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'a date that is not a date',
    method: 'GET',
    path: '/api/events?from=yesterday',
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'an unknown status filter',
    method: 'GET',
    path: '/api/events?status=free',
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'an unknown filter',
    method: 'GET',
    path: '/api/events?orderBy=price',
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'a password of 7 bytes',
    method: 'POST',
    path: '/api/auth/register',
    body: () => ({ email: 'x@y.test', password: '1234567', name: 'X' }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'a password of 73 bytes',
    method: 'POST',
    path: '/api/auth/register',
    body: () => ({ email: 'x@y.test', password: 'é'.repeat(37), name: 'X' }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'an email that is not one',
    method: 'POST',
    path: '/api/auth/register',
    body: () => ({ email: 'not-an-email', password: 'long enough', name: 'X' }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'an empty name',
    method: 'POST',
    path: '/api/auth/register',
    body: () => ({ email: 'x@y.test', password: 'long enough', name: '   ' }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'a venue of 0 rows',
    who: 'admin',
    method: 'POST',
    path: '/api/venues',
    body: () => ({ name: 'V', city: 'C', sections: [{ name: 'A', rows: 0, seatsPerRow: 1 }] }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'a fractional seat count',
    who: 'admin',
    method: 'POST',
    path: '/api/venues',
    body: () => ({ name: 'V', city: 'C', sections: [{ name: 'A', rows: 1, seatsPerRow: 1.5 }] }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'a negative price',
    who: 'admin',
    method: 'PUT',
    path: () => `/api/events/${world.eventId}`,
    body: () => ({ prices: { Floor: -1 } }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'a sale opening after the event',
    who: 'admin',
    method: 'PUT',
    path: () => `/api/events/${world.eventId}`,
    body: () => ({ onSaleDate: '2999-01-01T00:00:00Z' }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'a date without a zone',
    who: 'admin',
    method: 'PUT',
    path: () => `/api/events/${world.eventId}`,
    body: () => ({ eventDate: '2031-01-01 20:00' }),
    status: 400,
    code: 'validation_failed',
  },
  // sales end
  {
    name: 'sales ending after the event',
    who: 'admin',
    method: 'PUT',
    path: () => `/api/events/${world.eventId}`,
    body: () => ({ salesEndDate: '2999-01-01T00:00:00Z' }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'sales ending before they open',
    who: 'admin',
    method: 'PUT',
    path: () => `/api/events/${world.eventId}`,
    body: () => ({ salesEndDate: '2000-01-01T00:00:00Z' }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'a sales end that is not a date',
    who: 'admin',
    method: 'PUT',
    path: () => `/api/events/${world.eventId}`,
    body: () => ({ salesEndDate: 'tomorrow' }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'a sales end as a number',
    who: 'admin',
    method: 'PUT',
    path: () => `/api/events/${world.eventId}`,
    body: () => ({ salesEndDate: 1_900_000_000_000 }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'moving the event before its sales end',
    who: 'admin',
    method: 'PUT',
    path: () => `/api/events/${ended.eventId}`,
    body: () => ({ eventDate: '2029-12-31T23:59:15Z' }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'a user ending sales',
    who: 'stranger',
    method: 'PUT',
    path: () => `/api/events/${world.eventId}`,
    body: () => ({ salesEndDate: '2030-01-01T00:00:00Z' }),
    status: 403,
    code: 'forbidden',
  },
  // venue edits
  {
    name: 'a new layout for a venue in use',
    who: 'admin',
    method: 'PUT',
    path: () => `/api/venues/${world.venueId}`,
    body: () => ({ sections: [{ name: 'Floor', rows: 1, seatsPerRow: 1 }] }),
    status: 409,
    code: 'venue_in_use',
  },
  {
    name: 'a venue with a new capacity',
    who: 'admin',
    method: 'PUT',
    path: () => `/api/venues/${world.venueId}`,
    body: () => ({ capacity: 1 }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'a venue id in the body',
    who: 'admin',
    method: 'PUT',
    path: () => `/api/venues/${world.venueId}`,
    body: () => ({ id: ZERO_UUID, name: 'V' }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'an empty venue name',
    who: 'admin',
    method: 'PUT',
    path: () => `/api/venues/${world.venueId}`,
    body: () => ({ name: '  ' }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'a venue section of 0 rows',
    who: 'admin',
    method: 'PUT',
    path: () => `/api/venues/${world.venueId}`,
    body: () => ({ sections: [{ name: 'A', rows: 0, seatsPerRow: 1 }] }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: '__proto__ in a venue edit',
    who: 'admin',
    method: 'PUT',
    path: () => `/api/venues/${world.venueId}`,
    body: () => '{"name":"V","__proto__":{"capacity":1}}',
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'an unknown venue',
    who: 'admin',
    method: 'PUT',
    path: `/api/venues/${ZERO_UUID}`,
    body: () => ({ name: 'V' }),
    status: 404,
    code: 'not_found',
  },
  {
    name: 'SQL in a venue id',
    who: 'admin',
    method: 'PUT',
    path: "/api/venues/1'%20OR%20'1'='1",
    body: () => ({ name: 'V' }),
    status: 404,
    code: 'not_found',
  },
  {
    name: 'a user renaming a venue',
    who: 'stranger',
    method: 'PUT',
    path: () => `/api/venues/${world.venueId}`,
    body: () => ({ name: 'Mine' }),
    status: 403,
    code: 'forbidden',
  },
  {
    name: 'renaming a venue without a session',
    method: 'PUT',
    path: () => `/api/venues/${world.venueId}`,
    body: () => ({ name: 'Mine' }),
    status: 401,
    code: 'unauthenticated',
  },
  // admin order search
  {
    name: 'a user searching all orders',
    who: 'stranger',
    method: 'GET',
    path: '/api/admin/orders',
    status: 403,
    code: 'forbidden',
  },
  {
    name: 'searching all orders without a session',
    method: 'GET',
    path: '/api/admin/orders',
    status: 401,
    code: 'unauthenticated',
  },
  {
    name: 'an order search of limit 0',
    who: 'admin',
    method: 'GET',
    path: '/api/admin/orders?limit=0',
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'an order search of limit 101',
    who: 'admin',
    method: 'GET',
    path: '/api/admin/orders?limit=101',
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'a forged order cursor',
    who: 'admin',
    method: 'GET',
    path: `/api/admin/orders?cursor=${Buffer.from(`2030-01-01|${ZERO_UUID}`).toString('base64url')}`,
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'SQL in an order cursor',
    who: 'admin',
    method: 'GET',
    path: `/api/admin/orders?cursor=${Buffer.from("2030-01-01T00:00:00.000000Z|x' OR '1'='1").toString('base64url')}`,
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'an unknown order status',
    who: 'admin',
    method: 'GET',
    path: '/api/admin/orders?status=paid',
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'SQL in an email filter',
    who: 'admin',
    method: 'GET',
    path: `/api/admin/orders?email=${encodeURIComponent("x' OR '1'='1")}`,
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'an eventId filter that is not a UUID',
    who: 'admin',
    method: 'GET',
    path: '/api/admin/orders?eventId=42',
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'an order date that is not a date',
    who: 'admin',
    method: 'GET',
    path: '/api/admin/orders?from=last%20week',
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'an unknown order filter',
    who: 'admin',
    method: 'GET',
    path: '/api/admin/orders?userId=1',
    status: 400,
    code: 'validation_failed',
  },
  // injection strings in ids and filters
  { name: 'SQL in an event id', method: 'GET', path: "/api/events/1'%20OR%20'1'='1", status: 404, code: 'not_found' },
  {
    name: 'SQL in a venueId filter',
    method: 'GET',
    path: "/api/events?venueId=1'%20OR%201=1--",
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'a path traversal in an id',
    method: 'GET',
    path: '/api/events/..%2F..%2Fetc%2Fpasswd/seats',
    status: 404,
    code: 'not_found',
  },
  {
    name: 'a key pattern in a live event id',
    method: 'GET',
    path: '/api/events/*%7Be:x%7D*/live',
    status: 404,
    code: 'not_found',
  },
  {
    name: 'SQL in an availability event id',
    method: 'GET',
    path: "/api/events/1'%20OR%20'1'='1/availability",
    status: 404,
    code: 'not_found',
  },
  {
    name: 'a path traversal in a layout id',
    method: 'GET',
    path: '/api/events/..%2F..%2Fetc%2Fpasswd/layout',
    status: 404,
    code: 'not_found',
  },
  {
    name: 'live for an event that does not exist, resuming',
    method: 'GET',
    path: `/api/events/${ZERO_UUID}/live`,
    headers: { 'last-event-id': '1; DROP' },
    status: 404,
    code: 'not_found',
  },
  {
    name: 'SQL in an order id',
    who: 'owner',
    method: 'GET',
    path: '/api/orders/1;DROP%20TABLE%20orders',
    status: 404,
    code: 'not_found',
  },
  {
    name: 'a key pattern in a queue id',
    who: 'holder',
    method: 'POST',
    path: '/api/queue/*%7Be:x%7D*/join',
    status: 404,
    code: 'not_found',
  },
  {
    name: 'Lua-looking seat ids',
    who: 'holder',
    method: 'POST',
    path: '/api/seats/reserve',
    body: () => reserveBody(["1') redis.call('FLUSHALL') --"]),
    status: 400,
    code: 'validation_failed',
  },
  // sessions and roles
  {
    name: 'no session',
    method: 'POST',
    path: '/api/seats/reserve',
    body: () => reserveBody([seat(10)]),
    status: 401,
    code: 'unauthenticated',
  },
  {
    name: 'a forged token',
    method: 'GET',
    path: '/api/orders',
    headers: { authorization: `Bearer ${'A'.repeat(43)}` },
    status: 401,
    code: 'unauthenticated',
  },
  {
    name: 'an overlong token',
    method: 'GET',
    path: '/api/orders',
    headers: { authorization: `Bearer ${'A'.repeat(8_000)}` },
    status: 401,
    code: 'unauthenticated',
  },
  {
    name: 'a Basic credential',
    method: 'GET',
    path: '/api/orders',
    headers: { authorization: 'Basic YWRtaW46YWRtaW4=' },
    status: 401,
    code: 'unauthenticated',
  },
  {
    name: 'a token after logout',
    method: 'GET',
    path: '/api/auth/me',
    headers: () => ({ authorization: `Bearer ${loggedOut}` }),
    status: 401,
    code: 'unauthenticated',
  },
  {
    name: 'an attacker-chosen session cookie',
    method: 'GET',
    path: '/api/auth/me',
    headers: { cookie: `sid=${'B'.repeat(43)}` },
    status: 401,
    code: 'unauthenticated',
  },
  {
    name: 'a user creating a venue',
    who: 'stranger',
    method: 'POST',
    path: '/api/venues',
    body: () => ({ name: 'V', city: 'C', sections: [{ name: 'A', rows: 1, seatsPerRow: 1 }] }),
    status: 403,
    code: 'forbidden',
  },
  {
    name: 'a user creating an event',
    who: 'stranger',
    method: 'POST',
    path: '/api/events',
    body: () => ({}),
    status: 403,
    code: 'forbidden',
  },
  {
    name: 'a user changing an event',
    who: 'stranger',
    method: 'PUT',
    path: () => `/api/events/${world.eventId}`,
    body: () => ({ name: 'Mine' }),
    status: 403,
    code: 'forbidden',
  },
  {
    name: 'a user reading admin stats',
    who: 'stranger',
    method: 'GET',
    path: () => `/api/admin/events/${world.eventId}/stats`,
    status: 403,
    code: 'forbidden',
  },
  {
    name: 'a user cancelling an event',
    who: 'stranger',
    method: 'POST',
    path: () => `/api/admin/events/${world.eventId}/cancel`,
    status: 403,
    code: 'forbidden',
  },
  {
    name: 'a user creating a webhook',
    who: 'stranger',
    method: 'POST',
    path: '/api/admin/webhooks',
    body: () => ({ url: 'https://93.184.216.34/h', events: ['order.completed'] }),
    status: 403,
    code: 'forbidden',
  },
  {
    name: 'a webhook to a loopback address',
    who: 'admin',
    method: 'POST',
    path: '/api/admin/webhooks',
    body: () => ({ url: 'http://127.0.0.1:9/h', events: ['order.completed'] }),
    status: 400,
    code: 'webhook_url_refused',
  },
  {
    name: 'a webhook to the cloud metadata address',
    who: 'admin',
    method: 'POST',
    path: '/api/admin/webhooks',
    body: () => ({ url: 'http://169.254.169.254/latest', events: ['order.completed'] }),
    status: 400,
    code: 'webhook_url_refused',
  },
  {
    name: 'a webhook to a name that resolves to loopback',
    who: 'admin',
    method: 'POST',
    path: '/api/admin/webhooks',
    body: () => ({ url: 'http://localhost:8080/h', events: ['order.completed'] }),
    status: 400,
    code: 'webhook_url_refused',
  },
  {
    name: 'a webhook over ftp',
    who: 'admin',
    method: 'POST',
    path: '/api/admin/webhooks',
    body: () => ({ url: 'ftp://93.184.216.34/h', events: ['order.completed'] }),
    status: 400,
    code: 'webhook_url_refused',
  },
  {
    name: 'a webhook for an unknown event type',
    who: 'admin',
    method: 'POST',
    path: '/api/admin/webhooks',
    body: () => ({ url: 'https://93.184.216.34/h', events: ['order.stolen'] }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'a webhook with its own secret',
    who: 'admin',
    method: 'POST',
    path: '/api/admin/webhooks',
    body: () => ({ url: 'https://93.184.216.34/h', events: ['order.completed'], secret: 'whsec_mine' }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'a webhook with no event types',
    who: 'admin',
    method: 'POST',
    path: '/api/admin/webhooks',
    body: () => ({ url: 'https://93.184.216.34/h', events: [] }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'deleting an unknown webhook',
    who: 'admin',
    method: 'DELETE',
    path: () => `/api/admin/webhooks/${ZERO_UUID}`,
    status: 404,
    code: 'not_found',
  },
  {
    name: 'deliveries of a webhook id that is no uuid',
    who: 'admin',
    method: 'GET',
    path: '/api/admin/webhooks/1%20OR%201=1/deliveries',
    status: 404,
    code: 'not_found',
  },
  {
    name: "another user's order",
    who: 'stranger',
    method: 'GET',
    path: () => `/api/orders/${orderId}`,
    status: 404,
    code: 'not_found',
  },
  {
    name: "refunding another user's order",
    who: 'stranger',
    method: 'POST',
    path: () => `/api/orders/${orderId}/refund`,
    status: 404,
    code: 'not_found',
  },
  {
    name: "buying another user's hold",
    who: 'stranger',
    method: 'POST',
    path: '/api/checkout',
    body: checkoutBody,
    headers: idem('s-1'),
    status: 409,
    code: 'no_active_hold',
  },
  {
    name: 'a foreign Origin with a cookie',
    method: 'POST',
    path: '/api/seats/reserve',
    body: () => reserveBody([seat(10)]),
    headers: () => ({ cookie: `sid=${holder.token}`, origin: 'https://evil.example' }),
    status: 403,
    code: 'forbidden',
  },
  // idempotency keys
  {
    name: 'no Idempotency-Key',
    who: 'holder',
    method: 'POST',
    path: '/api/checkout',
    body: checkoutBody,
    status: 400,
    code: 'idempotency_key_required',
  },
  {
    name: 'an empty Idempotency-Key',
    who: 'holder',
    method: 'POST',
    path: '/api/checkout',
    body: checkoutBody,
    headers: idem(''),
    status: 400,
    code: 'idempotency_key_required',
  },
  {
    name: 'an overlong Idempotency-Key',
    who: 'holder',
    method: 'POST',
    path: '/api/checkout',
    body: checkoutBody,
    headers: idem('k'.repeat(256)),
    status: 400,
    code: 'idempotency_key_required',
  },
  {
    name: 'an Idempotency-Key with spaces',
    who: 'holder',
    method: 'POST',
    path: '/api/checkout',
    body: checkoutBody,
    headers: idem('my key'),
    status: 400,
    code: 'idempotency_key_required',
  },
  {
    name: 'a reused Idempotency-Key with another body',
    who: 'owner',
    method: 'POST',
    path: '/api/checkout',
    body: () => checkoutBody('tok_declined'),
    headers: idem('owner-1'),
    status: 422,
    code: 'idempotency_key_reused',
  },
  // best available and hold extension
  {
    name: 'best available of 0 seats',
    who: 'stranger',
    method: 'POST',
    path: '/api/seats/best',
    body: () => ({ eventId: world.eventId, quantity: 0 }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'best available of 7 seats',
    who: 'stranger',
    method: 'POST',
    path: '/api/seats/best',
    body: () => ({ eventId: world.eventId, quantity: 7 }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'best available of 1.5 seats',
    who: 'stranger',
    method: 'POST',
    path: '/api/seats/best',
    body: () => ({ eventId: world.eventId, quantity: 1.5 }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'best available with a quantity string',
    who: 'stranger',
    method: 'POST',
    path: '/api/seats/best',
    body: () => ({ eventId: world.eventId, quantity: '2' }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'best available in an unknown section',
    who: 'stranger',
    method: 'POST',
    path: '/api/seats/best',
    body: () => ({ eventId: world.eventId, quantity: 1, section: 'Balcony' }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'best available with a negative price cap',
    who: 'stranger',
    method: 'POST',
    path: '/api/seats/best',
    body: () => ({ eventId: world.eventId, quantity: 1, maxPriceCents: -1 }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'best available under every price',
    who: 'stranger',
    method: 'POST',
    path: '/api/seats/best',
    body: () => ({ eventId: world.eventId, quantity: 1, maxPriceCents: 4999 }),
    status: 409,
    code: 'seats_unavailable',
  },
  {
    name: 'best available with chosen seats',
    who: 'stranger',
    method: 'POST',
    path: '/api/seats/best',
    body: () => ({ eventId: world.eventId, quantity: 1, seatIds: [seat(5)] }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'best available before the sale',
    who: 'stranger',
    method: 'POST',
    path: '/api/seats/best',
    body: () => ({ eventId: upcoming.eventId, quantity: 1 }),
    status: 409,
    code: 'event_not_on_sale',
  },
  {
    name: 'best available in an unknown event',
    who: 'stranger',
    method: 'POST',
    path: '/api/seats/best',
    body: () => ({ eventId: ZERO_UUID, quantity: 1 }),
    status: 404,
    code: 'not_found',
  },
  {
    name: 'best available without a session',
    method: 'POST',
    path: '/api/seats/best',
    body: () => ({ eventId: world.eventId, quantity: 1 }),
    status: 401,
    code: 'unauthenticated',
  },
  {
    name: 'extending no hold',
    who: 'stranger',
    method: 'POST',
    path: '/api/seats/extend',
    body: () => ({ eventId: world.eventId }),
    status: 409,
    code: 'no_active_hold',
  },
  {
    name: 'extending a hold twice',
    who: 'owner',
    method: 'POST',
    path: '/api/seats/extend',
    body: () => ({ eventId: world.eventId }),
    status: 409,
    code: 'hold_extension_used',
  },
  {
    name: 'extending by a chosen time',
    who: 'holder',
    method: 'POST',
    path: '/api/seats/extend',
    body: () => ({ eventId: world.eventId, seconds: 86_400 }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: "extending another user's hold",
    who: 'stranger',
    method: 'POST',
    path: '/api/seats/extend',
    body: () => ({ eventId: world.eventId, userId: ZERO_UUID }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'extending in an unknown event',
    who: 'holder',
    method: 'POST',
    path: '/api/seats/extend',
    body: () => ({ eventId: ZERO_UUID }),
    status: 404,
    code: 'not_found',
  },
  {
    name: 'extending without a session',
    method: 'POST',
    path: '/api/seats/extend',
    body: () => ({ eventId: world.eventId }),
    status: 401,
    code: 'unauthenticated',
  },
  // tickets: codes, transfers, check-in
  {
    name: "another user's ticket code",
    who: 'stranger',
    method: 'GET',
    path: () => `/api/tickets/${ownerTicket}/code`,
    status: 404,
    code: 'not_found',
  },
  {
    name: "another user's ticket QR image",
    who: 'stranger',
    method: 'GET',
    path: () => `/api/tickets/${ownerTicket}/qr.svg`,
    status: 404,
    code: 'not_found',
  },
  {
    name: "an admin reading a user's ticket code",
    who: 'admin',
    method: 'GET',
    path: () => `/api/tickets/${ownerTicket}/code`,
    status: 404,
    code: 'not_found',
  },
  {
    name: 'a ticket code without a session',
    method: 'GET',
    path: () => `/api/tickets/${ownerTicket}/code`,
    status: 401,
    code: 'unauthenticated',
  },
  {
    name: 'SQL in a ticket id',
    who: 'owner',
    method: 'GET',
    path: "/api/tickets/1'%20OR%20'1'='1/code",
    status: 404,
    code: 'not_found',
  },
  {
    name: "transferring another user's ticket",
    who: 'stranger',
    method: 'POST',
    path: () => `/api/tickets/${ownerTicket}/transfer`,
    body: () => ({ toEmail: `${stranger.id}@example.test` }),
    status: 404,
    code: 'not_found',
  },
  {
    name: 'transferring a ticket to oneself',
    who: 'owner',
    method: 'POST',
    path: () => `/api/tickets/${ownerTicket}/transfer`,
    body: () => ({ toEmail: `${owner.id}@example.test` }),
    status: 422,
    code: 'transfer_to_self',
  },
  {
    name: 'transferring to an unknown account',
    who: 'owner',
    method: 'POST',
    path: () => `/api/tickets/${ownerTicket}/transfer`,
    body: () => ({ toEmail: 'nobody@example.test' }),
    status: 422,
    code: 'recipient_not_found',
  },
  {
    name: 'transferring to a non-email',
    who: 'owner',
    method: 'POST',
    path: () => `/api/tickets/${ownerTicket}/transfer`,
    body: () => ({ toEmail: "x' OR 1=1--" }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'transferring with a chosen holder id',
    who: 'owner',
    method: 'POST',
    path: () => `/api/tickets/${ownerTicket}/transfer`,
    body: () => ({ toEmail: `${stranger.id}@example.test`, holderId: stranger.id }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'transferring an unknown ticket',
    who: 'owner',
    method: 'POST',
    path: `/api/tickets/${ZERO_UUID}/transfer`,
    body: () => ({ toEmail: `${stranger.id}@example.test` }),
    status: 404,
    code: 'not_found',
  },
  {
    name: 'transferring without a session',
    method: 'POST',
    path: () => `/api/tickets/${ownerTicket}/transfer`,
    body: () => ({ toEmail: 'x@example.test' }),
    status: 401,
    code: 'unauthenticated',
  },
  {
    name: 'a forged check-in code',
    who: 'admin',
    method: 'POST',
    path: '/api/checkin',
    body: () => ({ code: `${ownerTicket}.1.${Math.floor(api.fx.clock.now() / 1000) + 20}.${'A'.repeat(43)}` }),
    status: 400,
    code: 'invalid_code',
  },
  {
    name: 'a check-in code of a newer version',
    who: 'admin',
    method: 'POST',
    path: '/api/checkin',
    body: () => ({ code: `${ownerTicket}.9.${Math.floor(api.fx.clock.now() / 1000) + 20}.${'A'.repeat(43)}` }),
    status: 400,
    code: 'invalid_code',
  },
  {
    name: 'a check-in code that is not one',
    who: 'admin',
    method: 'POST',
    path: '/api/checkin',
    body: () => ({ code: "'; DROP TABLE tickets; --" }),
    status: 400,
    code: 'invalid_code',
  },
  {
    name: 'an overlong check-in code',
    who: 'admin',
    method: 'POST',
    path: '/api/checkin',
    body: () => ({ code: 'A'.repeat(5_000) }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'a numeric check-in code',
    who: 'admin',
    method: 'POST',
    path: '/api/checkin',
    body: () => ({ code: 12345 }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'a check-in with a chosen time',
    who: 'admin',
    method: 'POST',
    path: '/api/checkin',
    body: () => ({ code: 'x', checkedInAt: '2020-01-01T00:00:00Z' }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'a user checking a ticket in',
    who: 'owner',
    method: 'POST',
    path: '/api/checkin',
    body: () => ({ code: 'x' }),
    status: 403,
    code: 'forbidden',
  },
  {
    name: 'a check-in without a session',
    method: 'POST',
    path: '/api/checkin',
    body: () => ({ code: 'x' }),
    status: 401,
    code: 'unauthenticated',
  },
  // control characters, refused at the edge for every schema (Postgres refuses NUL: it was a 500)
  { name: 'a NUL in a search', method: 'GET', path: '/api/events?q=%00', status: 400, code: 'validation_failed' },
  {
    name: 'a NUL in a city filter',
    method: 'GET',
    path: '/api/events?city=Spring%00field',
    status: 400,
    code: 'validation_failed',
  },
  { name: 'a NUL in a path id', method: 'GET', path: '/api/events/%00/seats', status: 400, code: 'validation_failed' },
  {
    name: 'an escape in a seat map filter',
    method: 'GET',
    path: () => `/api/events/${world.eventId}/seats?section=%1B%5B2J`,
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'a C1 control in a query',
    method: 'GET',
    path: '/api/events?artist=%C2%85',
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'a NUL in a registered name',
    method: 'POST',
    path: '/api/auth/register',
    body: () => ({ email: 'nul@a.test', password: 'long enough', name: 'a\u0000b' }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'a NUL in an email',
    method: 'POST',
    path: '/api/auth/login',
    body: () => ({ email: 'a\u0000@b.test', password: 'long enough' }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'a newline in a venue name',
    who: 'admin',
    method: 'POST',
    path: '/api/venues',
    body: () => ({ name: 'V\nFAKE LOG LINE', city: 'C', sections: [{ name: 'A', rows: 1, seatsPerRow: 1 }] }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'a DEL in a section name',
    who: 'admin',
    method: 'POST',
    path: '/api/venues',
    body: () => ({ name: 'V', city: 'C', sections: [{ name: 'A\u007f', rows: 1, seatsPerRow: 1 }] }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'a NUL in a price key',
    who: 'admin',
    method: 'PUT',
    path: () => `/api/events/${world.eventId}`,
    body: () => ({ prices: { 'Floor\u0000': 1 } }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'a NUL in an event name',
    who: 'admin',
    method: 'PUT',
    path: () => `/api/events/${world.eventId}`,
    body: () => ({ name: 'E\u0000' }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'a NUL in a payment token',
    who: 'holder',
    method: 'POST',
    path: '/api/checkout',
    body: () => checkoutBody('tok\u0000visa'),
    headers: idem('nul-1'),
    status: 400,
    code: 'validation_failed',
  },
  // methods and routes
  {
    name: 'a method override header',
    who: 'admin',
    method: 'POST',
    path: () => `/api/events/${world.eventId}`,
    body: () => ({ name: 'Overridden' }),
    headers: { 'x-http-method-override': 'PUT' },
    status: 405,
    code: 'method_not_allowed',
  },
  {
    name: '__proto__ as a query parameter',
    method: 'GET',
    path: '/api/events?__proto__=x',
    status: 400,
    code: 'validation_failed',
  },
  {
    name: '__proto__ as a query parameter, twice',
    who: 'admin',
    method: 'GET',
    path: '/api/admin/orders?__proto__=x&__proto__=y',
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'a _method query parameter',
    who: 'holder',
    method: 'POST',
    path: '/api/seats/release?_method=DELETE',
    body: () => reserveBody([seat(1)]),
    status: 405,
    code: 'method_not_allowed',
  },
  {
    name: 'DELETE on the event list',
    who: 'admin',
    method: 'DELETE',
    path: '/api/events',
    status: 405,
    code: 'method_not_allowed',
  },
  {
    name: 'PATCH on orders',
    who: 'owner',
    method: 'PATCH',
    path: '/api/orders',
    body: () => ({}),
    status: 405,
    code: 'method_not_allowed',
  },
  { name: 'an unknown route', method: 'GET', path: '/api/tickets/free', status: 404, code: 'not_found' },
  {
    name: 'a queue for an ordinary event',
    who: 'holder',
    method: 'POST',
    path: () => `/api/queue/${world.eventId}/join`,
    status: 409,
    code: 'queue_not_enabled',
  },
];

describe('hostile input', () => {
  it('has at least 60 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s: the exact 4xx, and nothing changes', async (_name, c) => {
    const before = await fingerprint();
    const headers = typeof c.headers === 'function' ? c.headers() : { ...c.headers };
    const token = headers.authorization !== undefined || headers.cookie ? undefined : tokenOf(c.who);
    const body = c.body?.();
    const res = await api.call(c.method, typeof c.path === 'function' ? c.path() : c.path, { token, body, headers });
    const text = await res.text();
    expect(res.status, text).toBe(c.status);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    if (c.code) expect(JSON.parse(text).code).toBe(c.code);
    expect(text).not.toMatch(/at \w+ \(|node_modules|\.ts:\d+/);
    for (const h of [
      'x-content-type-options',
      'x-frame-options',
      'referrer-policy',
      'strict-transport-security',
      'content-security-policy',
      'x-request-id',
    ]) {
      expect(res.headers.get(h), h).toBeTruthy();
    }
    expect(await fingerprint()).toEqual(before);
  });

  it('treats SQL in a search as text: no match, nothing changed', async () => {
    const before = await fingerprint();
    const res = await api.call(
      'GET',
      `/api/events?q=${encodeURIComponent("' OR '1'='1")}&city=${encodeURIComponent('%')}`,
    );
    expect(res.status).toBe(200);
    expect((await res.json()).events).toEqual([]);
    expect(await fingerprint()).toEqual(before);
  });

  it('refuses headers over the server limit before any route runs', async () => {
    const res = await api.call('GET', '/api/events', { headers: { 'x-padding': 'x'.repeat(20_000) } });
    expect(res.status).toBe(431);
  });

  it('refuses a chunked body at 16 KiB without waiting for the rest, and closes the connection', async () => {
    const before = await fingerprint();
    const { port } = new URL(api.url);
    const chunk = (text: string) => `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`;
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1');
      let received = '';
      // The client goes on sending, a KiB every 5 ms, and never ends its body.
      const more = setInterval(() => socket.write(chunk('x'.repeat(1024))), 5);
      const done = () => {
        clearInterval(more);
        resolve(received);
      };
      socket.on('data', (data) => (received += data.toString()));
      socket.on('close', done);
      socket.on('error', done); // the server may reset what it will no longer read
      socket.write(
        `POST /api/seats/reserve HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${holder.token}\r\n` +
          `Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n` +
          chunk(`{"eventId":"${world.eventId}","seatIds":["${world.seatIds[5]}"],"pad":"${'x'.repeat(20_000)}`),
      );
      setTimeout(() => {
        clearInterval(more);
        socket.destroy();
        reject(new Error(`no answer in 5 s; got ${JSON.stringify(received)}`));
      }, 5_000).unref();
    });
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toMatch(/\r\nconnection: close\r\n/i);
    expect(answer).toContain('"code":"payload_too_large"');
    expect((await api.call('GET', '/healthz')).status).toBe(200);
    expect(await fingerprint()).toEqual(before);
  });

  it('reads a body that arrives in pieces whole, and a body cut off changes nothing', async () => {
    const before = await fingerprint();
    const stray = '00000000-0000-4000-8000-0000000000ff';
    const body = JSON.stringify(reserveBody([stray]));
    const { port } = new URL(api.url);
    /** A raw request whose body is sent in two writes 50 ms apart, or only its first half. */
    const rawReserve = (whole: boolean) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1');
        let answer = '';
        socket.on('data', (chunk) => (answer += chunk.toString()));
        socket.on('close', () => resolve(answer));
        socket.on('error', reject);
        const half = Math.floor(body.length / 2);
        socket.write(
          `POST /api/seats/reserve HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer ${holder.token}\r\n` +
            `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, half)}`,
        );
        setTimeout(() => (whole ? socket.write(body.slice(half)) : socket.destroy()), 50);
      });
    // The unknown seat id straddles the two writes: its 400 names it whole.
    const pieces = await rawReserve(true);
    expect(pieces).toMatch(/^HTTP\/1\.1 400 /);
    expect(pieces).toContain(`"unknownSeatIds":["${stray}"]`);
    expect(await rawReserve(false)).toBe('');
    expect((await api.call('GET', '/healthz')).status).toBe(200);
    expect(await fingerprint()).toEqual(before);
  });

  it('refuses checkout of a hold that expired, and changes nothing', async () => {
    const late = await api.user();
    await api.call('POST', '/api/seats/reserve', { token: late.token, body: reserveBody([seat(19)]) });
    api.fx.clock.advance(api.fx.engine.limits.holdTtlMs + 1);
    const before = await fingerprint();
    const res = await api.call('POST', '/api/checkout', {
      token: late.token,
      body: checkoutBody(),
      headers: idem('late-1'),
    });
    expect(res.status).toBe(409);
    expect((await res.json()).code).toBe('no_active_hold');
    expect(await fingerprint()).toEqual(before);
  });
});

// Last in the file: the answers every test above received, against the app's /openapi.json.
it('every answer in this file has a documented status, media type and body', async () => {
  await expectAnswersDocumented(api);
});
