import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import * as s from '../../src/http/schemas.js';
import { account, buyTickets, checkIn, codeOf, useTicketWorld } from '../support/tickets.js';
import { seedEvent } from '../support/world.js';
import { expectAnswersDocumented } from '../support/documentedResponses.js';

const t = useTicketWorld();

describe('my tickets, codes and QR images', () => {
  it('lists the tickets the caller holds, in the contract shape; nobody else sees them', async () => {
    const buyer = await account(t.api);
    const seats = t.freshSeats(2);
    const { orderId, tickets } = await buyTickets(t.api, buyer, t.world.eventId, seats);
    const mine = await t.listOf(buyer);
    expect(s.ticketSchema.array().parse(mine)).toEqual(mine);
    expect(mine).toEqual([
      {
        id: tickets[0]!.id,
        orderId,
        eventId: t.world.eventId,
        seatId: seats[0],
        section: 'Floor',
        row: '1',
        number: '1',
        status: 'valid',
        checkedInAt: null,
      },
      {
        id: tickets[1]!.id,
        orderId,
        eventId: t.world.eventId,
        seatId: seats[1],
        section: 'Floor',
        row: '1',
        number: '2',
        status: 'valid',
        checkedInAt: null,
      },
    ]);
    expect(await t.listOf(await account(t.api))).toEqual([]);
    expect((await t.api.call('GET', '/api/tickets')).status).toBe(401);
  });

  it('issues a signed code valid for at most 30 s and its QR image, to the holder only', async () => {
    const buyer = await account(t.api);
    const {
      tickets: [ticket],
    } = await buyTickets(t.api, buyer, t.world.eventId, t.freshSeats(1));
    const res = await t.api.call('GET', `/api/tickets/${ticket!.id}/code`, { token: buyer.token });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = s.ticketCodeSchema.parse(await res.json());
    expect(body.code).toMatch(new RegExp(`^${ticket!.id}\\.1\\.\\d{10}\\.[A-Za-z0-9_-]{43}$`));
    const validMs = Date.parse(body.expiresAt) - t.api.fx.clock.now();
    expect(validMs).toBeGreaterThan(29_000);
    expect(validMs).toBeLessThanOrEqual(30_000);
    expect(Number(body.code.split('.')[2]) * 1000).toBe(Date.parse(body.expiresAt));

    const qr = await t.api.call('GET', `/api/tickets/${ticket!.id}/qr.svg`, { token: buyer.token });
    expect(qr.status).toBe(200);
    expect(qr.headers.get('content-type')).toBe('image/svg+xml');
    // the image is the QR symbol of the current code (the fake clock holds the code still)
    expect(await qr.text()).toBe(
      await QRCode.toString(body.code, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }),
    );

    const stranger = await account(t.api);
    for (const path of [
      `/api/tickets/${ticket!.id}/code`,
      `/api/tickets/${ticket!.id}/qr.svg`,
      '/api/tickets/not-a-uuid/code',
    ]) {
      const refused = await t.api.call('GET', path, { token: stranger.token });
      expect(refused.status).toBe(404);
      expect((await refused.json()).code).toBe('not_found');
    }
    expect((await t.api.call('GET', `/api/tickets/${ticket!.id}/code`)).status).toBe(401);
  });
});

describe('check-in', () => {
  it('admits once: the second scan answers already_checked_in with when and where', async () => {
    const buyer = await account(t.api);
    const {
      tickets: [ticket],
    } = await buyTickets(t.api, buyer, t.world.eventId, t.freshSeats(1));
    const code = await codeOf(t.api, buyer, ticket!.id);
    const admitted = await checkIn(t.api, t.scanner, { code, gate: 'North 3', eventId: t.world.eventId });
    expect(admitted.status).toBe(200);
    const at = new Date(t.api.fx.clock.now()).toISOString();
    expect(s.checkInResultSchema.parse(await admitted.json())).toEqual({
      result: 'admitted',
      ticket: { ...ticket, status: 'checked_in', checkedInAt: at },
    });
    t.api.fx.clock.advance(2_000);
    const again = await checkIn(t.api, t.admin, { code });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: 'already_checked_in', checkedInAt: at, gate: 'North 3' });
    expect(await t.listOf(buyer)).toEqual([{ ...ticket, status: 'checked_in', checkedInAt: at }]);
    const row = await t.api.db.pool.query('SELECT checked_in_by FROM tickets WHERE id = $1', [ticket!.id]);
    expect(row.rows[0].checked_in_by).toBe(t.scanner.id);
  });

  it('50 scanners racing on one code: exactly one 200, 49 already_checked_in', async () => {
    const buyer = await account(t.api);
    const {
      tickets: [ticket],
    } = await buyTickets(t.api, buyer, t.world.eventId, t.freshSeats(1));
    const code = await codeOf(t.api, buyer, ticket!.id);
    const scanners = await Promise.all(Array.from({ length: 5 }, () => account(t.api, 'scanner')));
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => checkIn(t.api, scanners[i % 5]!, { code })));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((x) => x === 200)).toHaveLength(1);
    expect(statuses.filter((x) => x === 409)).toHaveLength(49);
    const bodies = await Promise.all(answers.map((r) => r.json()));
    expect(new Set(bodies.filter((b) => b.code).map((b) => b.code))).toEqual(new Set(['already_checked_in']));
    const rows = await t.api.db.pool.query(`SELECT status FROM tickets WHERE id = $1`, [ticket!.id]);
    expect(rows.rows).toEqual([{ status: 'checked_in' }]);
  });

  it('refuses forged, malformed, expired and voided codes with 400 invalid_code, changing nothing', async () => {
    const [buyer, friend] = [await account(t.api), await account(t.api)];
    const {
      tickets: [ticket, other],
    } = await buyTickets(t.api, buyer, t.world.eventId, t.freshSeats(2));
    const code = await codeOf(t.api, buyer, ticket!.id);
    const [id = '', version, expiry, signature] = code.split('.');
    const otherCode = await codeOf(t.api, buyer, other!.id);
    const flipped = signature!.startsWith('A') ? `B${signature!.slice(1)}` : `A${signature!.slice(1)}`;
    const forged: [string, string][] = [
      [`${id}.${version}.${expiry}.${flipped}`, 'forged'],
      [`${other!.id}.${version}.${expiry}.${signature}`, 'forged'],
      [`${id}.2.${expiry}.${signature}`, 'forged'],
      [`${id}.${version}.${Number(expiry) + 3600}.${signature}`, 'forged'],
      [`${otherCode.split('.').slice(0, 3).join('.')}.${signature}`, 'forged'],
      ['not-a-code', 'malformed'],
      [`${code}.`, 'malformed'],
      [`${id}.${version}.${expiry}`, 'malformed'],
      [`${id}.0.${expiry}.${signature}`, 'malformed'],
      [`${id.toUpperCase()}.${version}.${expiry}.${signature}`, 'malformed'],
      [`${id}.${version}.${expiry}.${signature}' OR '1'='1`, 'malformed'],
    ];
    for (const [bad, reason] of forged) {
      const res = await checkIn(t.api, t.scanner, { code: bad });
      expect(res.status, bad).toBe(400);
      expect(await res.json()).toMatchObject({ code: 'invalid_code', reason });
    }
    // expired: 30 s after issue, a screenshot no longer admits
    t.api.fx.clock.advance(30_000);
    const expired = await checkIn(t.api, t.scanner, { code });
    expect(expired.status).toBe(400);
    expect(await expired.json()).toMatchObject({ code: 'invalid_code', reason: 'expired' });
    // voided: a code issued before a transfer never admits; the new holder's does
    const before = await codeOf(t.api, buyer, ticket!.id);
    expect((await t.transfer(buyer, ticket!.id, friend.email)).status).toBe(200);
    const voided = await checkIn(t.api, t.scanner, { code: before });
    expect(voided.status).toBe(400);
    expect(await voided.json()).toMatchObject({ code: 'invalid_code', reason: 'void' });
    expect((await t.listOf(friend))[0]).toMatchObject({ id: ticket!.id, status: 'valid' });
    const fresh = await codeOf(t.api, friend, ticket!.id);
    expect(fresh.split('.')[1]).toBe('2');
    expect((await checkIn(t.api, t.scanner, { code: fresh })).status).toBe(200);
  });

  it('refuses a ticket of another event (409 wrong_event) and lets only scanners and admins scan', async () => {
    const elsewhere = await seedEvent(t.api.db.pool, t.api.fx.engine, { rows: 1, seatsPerRow: 2 });
    const buyer = await account(t.api);
    const {
      tickets: [ticket],
    } = await buyTickets(t.api, buyer, t.world.eventId, t.freshSeats(1));
    const code = await codeOf(t.api, buyer, ticket!.id);
    const wrong = await checkIn(t.api, t.scanner, { code, eventId: elsewhere.eventId });
    expect(wrong.status).toBe(409);
    expect((await wrong.json()).code).toBe('wrong_event');
    for (const [who, status, problem] of [
      [buyer, 403, 'forbidden'],
      [undefined, 401, 'unauthenticated'],
    ] as const) {
      const res = await t.api.call('POST', '/api/checkin', { token: who?.token, body: { code } });
      expect(res.status).toBe(status);
      expect((await res.json()).code).toBe(problem);
    }
    expect((await t.listOf(buyer))[0]).toMatchObject({ id: ticket!.id, status: 'valid' });
  });

  it('a t.scanner may not use t.admin routes', async () => {
    const attempts: [string, string, unknown][] = [
      ['GET', `/api/admin/events/${t.world.eventId}/stats`, undefined],
      ['POST', `/api/admin/events/${t.world.eventId}/cancel`, undefined],
      ['POST', '/api/venues', { name: 'V', city: 'C', sections: [{ name: 'A', rows: 1, seatsPerRow: 1 }] }],
      ['PUT', `/api/events/${t.world.eventId}`, { name: 'Scanned' }],
    ];
    for (const [method, path, body] of attempts) {
      const res = await t.api.call(method, path, { token: t.scanner.token, body });
      expect(res.status, path).toBe(403);
      expect((await res.json()).code).toBe('forbidden');
    }
  });
});

// Last in the file: the answers every test above received, against the app's /openapi.json.
it('every answer in this file has a documented status, media type and body', async () => {
  await expectAnswersDocumented(t.api);
});
