import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as s from '../../src/http/schemas.js';
import { startApi, type ApiFixture } from '../support/api.js';
import { seedEvent } from '../support/world.js';
import { decodeQuotedPrintable, eventually, smtpCatcher, webhookReceiver } from './receivers.js';

let api: ApiFixture;
let smtp: Awaited<ReturnType<typeof smtpCatcher>>;
let admin: { id: string; token: string };
let event: Awaited<ReturnType<typeof seedEvent>>;
beforeAll(async () => {
  smtp = await smtpCatcher();
  api = await startApi({
    notifications: true,
    env: { SMTP_URL: smtp.url, WEBHOOKS_ALLOW_PRIVATE: 'true', WEBHOOK_TIMEOUT_MS: '300' },
  });
  // Signatures carry the clock's time and receivers check it against theirs: start from now.
  api.fx.clock.set(Date.now());
  admin = await api.user('admin');
  event = await seedEvent(api.db.pool, api.fx.engine);
});
afterAll(async () => {
  await api.close();
  await smtp.close();
});

async function subscribe(url: string, events: string[]) {
  const res = await api.call('POST', '/api/admin/webhooks', { token: admin.token, body: { url, events } });
  expect(res.status).toBe(201);
  return s.createdWebhookSchema.parse(await res.json()).webhook;
}

let nextSeat = 0;
async function purchase(seats: number) {
  const buyer = await api.user();
  const seatIds = event.seatIds.slice(nextSeat, nextSeat + seats);
  nextSeat += seats;
  expect(
    (await api.call('POST', '/api/seats/reserve', { token: buyer.token, body: { eventId: event.eventId, seatIds } }))
      .status,
  ).toBe(201);
  const res = await api.call('POST', '/api/checkout', {
    token: buyer.token,
    headers: { 'Idempotency-Key': `k-${nextSeat}` },
    body: { eventId: event.eventId, payment: { method: 'card', token: 'tok_visa' } },
  });
  expect(res.status).toBe(201);
  return { buyer, order: s.orderSchema.parse(((await res.json()) as { order: unknown }).order) };
}

async function deliveries(webhookId: string) {
  const res = await api.call('GET', `/api/admin/webhooks/${webhookId}/deliveries`, { token: admin.token });
  expect(res.status).toBe(200);
  return s.deliveryListSchema.parse(await res.json()).deliveries;
}

/** Runs the clock to the delivery's next attempt and waits until that attempt is recorded. */
async function nextAttempt(webhookId: string, attempts: number) {
  const [pending] = await deliveries(webhookId);
  api.fx.clock.set(Date.parse(pending!.nextAttemptAt!));
  api.notifications!.worker.nudge();
  return eventually(
    async () => {
      const [d] = await deliveries(webhookId);
      return d!.attempts === attempts + 1 && d;
    },
    10_000,
    `attempt ${attempts + 1}`,
  );
}

describe('notifications without a broker (delivered in process from Postgres)', () => {
  it('a checkout mails its buyer a confirmation and calls the webhook once, signed per Standard Webhooks', async () => {
    const receiver = await webhookReceiver([200]);
    const hook = await subscribe(receiver.url, ['order.completed']);
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const listed = await (await api.call('GET', '/api/admin/webhooks', { token: admin.token })).json();
    expect(s.webhookListSchema.parse(listed).webhooks.map((w) => w.id)).toContain(hook.id);
    expect(JSON.stringify(listed)).not.toContain('whsec_');

    const { buyer, order } = await purchase(2);
    const email = (await api.db.pool.query<{ email: string }>('SELECT email FROM users WHERE id = $1', [buyer.id]))
      .rows[0]!.email;
    const mail = await eventually(
      async () => smtp.mails.find((m) => m.to.includes(email)),
      10_000,
      'the confirmation mail',
    );
    const text = decodeQuotedPrintable(mail.raw);
    expect(text).toContain('Subject: Your tickets for Test Event');
    expect(text).toContain('Section Floor, row 1, seat 1: $50.00');
    expect(text).toContain('Section Floor, row 1, seat 2: $50.00');
    expect(text).toContain('Total: $100.00');
    expect(text).toMatch(/Content-Type: text\/html/);
    expect(text).toContain('<td>Section Floor, row 1, seat 2</td>');

    await eventually(async () => receiver.received.length === 1, 10_000, 'the webhook call');
    const [call] = receiver.received;
    const verified = new Webhook(hook.secret).verify(call!.body, call!.headers);
    expect(verified).toEqual({ type: 'order.completed', timestamp: expect.any(String), data: { order } });
    const entry = await api.db.pool.query('SELECT id, published_at FROM outbox WHERE subject_id = $1', [order.id]);
    expect(call!.headers['webhook-id']).toBe(entry.rows[0].id);
    await eventually(async () => (await deliveries(hook.id))[0]?.status === 'succeeded', 10_000, 'the delivery log');
    expect(await deliveries(hook.id)).toEqual([
      expect.objectContaining({
        entryId: entry.rows[0].id,
        type: 'order.completed',
        attempts: 1,
        status: 'succeeded',
        lastStatusCode: 200,
        nextAttemptAt: null,
      }),
    ]);
    expect(entry.rows[0].published_at).not.toBeNull();
    expect(smtp.mails.filter((m) => m.to.includes(email))).toHaveLength(1);
    await api.call('DELETE', `/api/admin/webhooks/${hook.id}`, { token: admin.token });
    await receiver.close();
  });

  it('a refund sends the buyer a notice and an order.refunded webhook', async () => {
    const receiver = await webhookReceiver([200]);
    const hook = await subscribe(receiver.url, ['order.refunded']);
    const { buyer, order } = await purchase(1);
    expect((await api.call('POST', `/api/orders/${order.id}/refund`, { token: buyer.token })).status).toBe(200);
    await eventually(async () => receiver.received.length === 1, 10_000, 'the refund webhook');
    const body = new Webhook(hook.secret).verify(receiver.received[0]!.body, receiver.received[0]!.headers);
    expect(body).toMatchObject({
      type: 'order.refunded',
      data: { order: { id: order.id, status: 'refunded' }, reason: 'requested' },
    });
    const email = (await api.db.pool.query<{ email: string }>('SELECT email FROM users WHERE id = $1', [buyer.id]))
      .rows[0]!.email;
    const notice = await eventually(
      async () => smtp.mails.find((m) => m.to.includes(email) && m.raw.includes('is refunded')),
      10_000,
      'the notice',
    );
    expect(decodeQuotedPrintable(notice.raw)).toContain('Total: $50.00');
    await api.call('DELETE', `/api/admin/webhooks/${hook.id}`, { token: admin.token });
    await receiver.close();
  });

  it('a receiver failing 3 times is retried with growing, jittered delays and then succeeds', async () => {
    const receiver = await webhookReceiver([500, 503, 500, 204]);
    const hook = await subscribe(receiver.url, ['order.completed']);
    await purchase(1);
    await eventually(async () => (await deliveries(hook.id))[0]?.attempts === 1, 10_000, 'the first attempt');
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const [before] = await deliveries(hook.id);
      expect(before).toMatchObject({
        status: 'pending',
        attempts: attempt,
        lastStatusCode: [500, 503, 500][attempt - 1],
      });
      delays.push(Date.parse(before!.nextAttemptAt!) - api.fx.clock.now());
      await nextAttempt(hook.id, attempt);
    }
    // Retry n waits between half and all of 5 s * 2^(n-1).
    delays.forEach((d, i) => {
      expect(d).toBeGreaterThanOrEqual(2_500 * 2 ** i);
      expect(d).toBeLessThanOrEqual(5_000 * 2 ** i);
    });
    expect(await deliveries(hook.id)).toEqual([
      expect.objectContaining({ status: 'succeeded', attempts: 4, lastStatusCode: 204, nextAttemptAt: null }),
    ]);
    expect(receiver.received).toHaveLength(4);
    const ids = new Set(receiver.received.map((r) => r.headers['webhook-id']));
    expect(ids.size).toBe(1);
    for (const r of receiver.received)
      expect(new Webhook(hook.secret).verify(r.body, r.headers)).toMatchObject({ type: 'order.completed' });
    await api.call('DELETE', `/api/admin/webhooks/${hook.id}`, { token: admin.token });
    await receiver.close();
  });

  it('a receiver that never answers is cut off at the timeout, retried, and given up after 24 hours', async () => {
    const receiver = await webhookReceiver(['hang']);
    const hook = await subscribe(receiver.url, ['order.completed']);
    await purchase(1);
    const first = await eventually(
      async () => {
        const [d] = await deliveries(hook.id);
        return d?.attempts === 1 && d;
      },
      10_000,
      'the first attempt',
    );
    expect(first).toMatchObject({ status: 'pending', lastStatusCode: null, lastError: 'timeout after 300 ms' });
    const second = await nextAttempt(hook.id, 1);
    expect(second).toMatchObject({ status: 'pending', lastError: 'timeout after 300 ms' });
    // Late in the 24 h window, the next retry would fall after it: the delivery is given up.
    const created = Date.parse(second.createdAt);
    await api.db.pool.query('UPDATE webhook_deliveries SET next_attempt_at = $2 WHERE id = $1', [
      second.id,
      new Date(created + 86_400_000 - 1_000),
    ]);
    const last = await nextAttempt(hook.id, 2);
    expect(last).toMatchObject({
      status: 'failed',
      attempts: 3,
      nextAttemptAt: null,
      lastError: 'timeout after 300 ms',
    });
    expect(receiver.received).toHaveLength(3);
    const text = await (await api.call('GET', '/metrics')).text();
    expect(text).toMatch(/ticketing_webhook_deliveries_total\{result="failed"\} 1/);
    expect(text).toMatch(/ticketing_webhook_deliveries_total\{result="retrying"\} [1-9]/);
    expect(text).toMatch(/ticketing_outbox_backlog_entries 0/);
    await api.call('DELETE', `/api/admin/webhooks/${hook.id}`, { token: admin.token });
    await receiver.close();
  });

  it('a transfer mails both people and calls ticket.transferred; the check-in calls ticket.checked_in', async () => {
    // The test before ran the clock a day ahead; receivers check signatures against their own time.
    api.fx.clock.set(Date.now());
    const receiver = await webhookReceiver([200]);
    const hook = await subscribe(receiver.url, ['ticket.transferred', 'ticket.checked_in']);
    const { buyer } = await purchase(1);
    const recipient = await api.user();
    const emailOf = async (id: string) =>
      (await api.db.pool.query<{ email: string }>('SELECT email FROM users WHERE id = $1', [id])).rows[0]!.email;
    const [fromEmail, toEmail] = [await emailOf(buyer.id), await emailOf(recipient.id)];
    const [ticket] = z
      .object({ tickets: z.array(s.ticketSchema) })
      .parse(await (await api.call('GET', '/api/tickets', { token: buyer.token })).json()).tickets;
    const moved = await api.call('POST', `/api/tickets/${ticket!.id}/transfer`, {
      token: buyer.token,
      body: { toEmail },
    });
    expect(moved.status).toBe(200);

    await eventually(async () => receiver.received.length === 1, 10_000, 'the transfer webhook');
    const transferred = new Webhook(hook.secret).verify(receiver.received[0]!.body, receiver.received[0]!.headers);
    expect(transferred).toEqual({
      type: 'ticket.transferred',
      timestamp: expect.any(String),
      data: {
        ticket: expect.objectContaining({ id: ticket!.id, status: 'valid' }),
        fromUserId: buyer.id,
        toUserId: recipient.id,
      },
    });
    const received = await eventually(
      async () => smtp.mails.find((m) => m.to.includes(toEmail)),
      10_000,
      "the recipient's mail",
    );
    expect(decodeQuotedPrintable(received.raw)).toContain('Subject: T sent you a ticket for Test Event');
    const sent = await eventually(
      async () => smtp.mails.find((m) => m.to.includes(fromEmail) && m.raw.includes('You transferred')),
      10_000,
      "the sender's mail",
    );
    expect(decodeQuotedPrintable(sent.raw)).toContain('Codes issued before are void.');

    const scanner = await api.user('scanner');
    const { code } = s.ticketCodeSchema.parse(
      await (await api.call('GET', `/api/tickets/${ticket!.id}/code`, { token: recipient.token })).json(),
    );
    const admitted = await api.call('POST', '/api/checkin', {
      token: scanner.token,
      body: { code, gate: 'North 3', eventId: event.eventId },
    });
    expect(admitted.status).toBe(200);
    await eventually(async () => receiver.received.length === 2, 10_000, 'the check-in webhook');
    const checkedIn = new Webhook(hook.secret).verify(receiver.received[1]!.body, receiver.received[1]!.headers);
    expect(checkedIn).toEqual({
      type: 'ticket.checked_in',
      timestamp: expect.any(String),
      data: {
        ticket: expect.objectContaining({ id: ticket!.id, status: 'checked_in', checkedInAt: expect.any(String) }),
      },
    });
    // one outbox entry each, both published; a check-in mails nobody
    const entries = await api.db.pool.query<{ type: string; published: boolean }>(
      'SELECT type, published_at IS NOT NULL AS published FROM outbox WHERE subject_id = $1 ORDER BY created_at',
      [ticket!.id],
    );
    expect(entries.rows).toEqual([
      { type: 'ticket.transferred', published: true },
      { type: 'ticket.checked_in', published: true },
    ]);
    expect(smtp.mails.filter((m) => m.to.includes(toEmail))).toHaveLength(1);
    await api.call('DELETE', `/api/admin/webhooks/${hook.id}`, { token: admin.token });
    await receiver.close();
  });

  it('cancelling an event sends event.cancelled once and every buyer a cancellation notice', async () => {
    api.fx.clock.set(Date.now());
    const receiver = await webhookReceiver([200]);
    const hook = await subscribe(receiver.url, ['event.cancelled', 'order.refunded']);
    const { buyer, order } = await purchase(1);
    await eventually(
      async () => (await api.db.pool.query('SELECT 1 FROM outbox WHERE published_at IS NULL')).rowCount === 0,
      10_000,
      'a quiet outbox',
    );
    const completed = (
      await api.db.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM orders WHERE event_id = $1 AND status = 'completed'`,
        [event.eventId],
      )
    ).rows[0]!.n;
    const cancelled = await api.call('POST', `/api/admin/events/${event.eventId}/cancel`, { token: admin.token });
    expect(cancelled.status).toBe(200);
    await eventually(async () => receiver.received.length === 1 + completed, 10_000, 'the cancellation webhooks');
    const bodies = receiver.received.map(
      (r) => new Webhook(hook.secret).verify(r.body, r.headers) as { type: string; data: Record<string, unknown> },
    );
    expect(bodies.filter((b) => b.type === 'event.cancelled').map((b) => b.data)).toEqual([
      { event: expect.objectContaining({ id: event.eventId, name: 'Test Event' }) },
    ]);
    const refunds = bodies
      .filter((b) => b.type === 'order.refunded')
      .map((b) => b.data as { order: { id: string }; reason: string });
    expect(refunds).toHaveLength(completed);
    expect(refunds.every((r) => r.reason === 'event_cancelled')).toBe(true);
    expect(refunds.map((r) => r.order.id)).toContain(order.id);
    const email = (await api.db.pool.query<{ email: string }>('SELECT email FROM users WHERE id = $1', [buyer.id]))
      .rows[0]!.email;
    const notice = await eventually(
      async () => smtp.mails.find((m) => m.to.includes(email) && m.raw.includes('cancelled')),
      10_000,
      'the notice',
    );
    expect(decodeQuotedPrintable(notice.raw)).toContain('Subject: Test Event is cancelled: your order is refunded');
    await receiver.close();
  });
});
