import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SaleRequest } from '../../src/engine/operations/confirmSale.js';
import { engineFixture, loadedEvent, type EngineFixture } from '../support/engine.js';
import { rawState } from '../support/rawState.js';
import { versionFloor } from '../../src/engine/versions.js';

let fx: EngineFixture;
let eventId: string;
beforeEach(async () => {
  fx = engineFixture({ holdTtlMs: 60_000 });
  eventId = await loadedEvent(fx, 10);
});
afterEach(() => fx.close());

const sale = (over: Partial<SaleRequest> = {}): SaleRequest => ({
  eventId,
  userId: 'alice',
  orderId: 'order-1',
  idempotencyKey: 'key-1',
  paymentRef: 'pay-1',
  seats: [2, 3],
  ...over,
});

describe('confirmSale', () => {
  it('sells the held seats and appends the sale to the stream in the same step', async () => {
    await fx.engine.reserveSeats(eventId, 'alice', [2, 3]);
    const result = await fx.engine.confirmSale(sale());
    expect(result).toMatchObject({
      ok: true,
      replay: false,
      orderId: 'order-1',
      seats: [
        { index: 2, priceCents: 1002 },
        { index: 3, priceCents: 1003 },
      ],
    });
    const k = fx.engine.keys(eventId)!;
    const entries = await fx.redis.xrange(k.sales, '-', '+');
    expect(entries).toHaveLength(1);
    expect(entries[0]![0]).toBe(result.ok && result.streamId);
    expect(entries[0]![1]).toEqual([
      'type',
      'sale',
      'order',
      'order-1',
      'user',
      'alice',
      'seats',
      '2,3',
      'prices',
      '1002,1003',
      'idem',
      'key-1',
      'payment',
      'pay-1',
      'at',
      String(fx.clock.now()),
    ]);
    const snap = await fx.engine.snapshotEvent(eventId);
    expect(snap.ok && snap.counts).toEqual({ total: 10, available: 8, held: 0, sold: 2 });
    expect(await fx.engine.getHold(eventId, 'alice')).toEqual({ ok: true, held: [] });
  });

  it('a retry with the same idempotency key replays and cannot sell twice', async () => {
    await fx.engine.reserveSeats(eventId, 'alice', [2, 3]);
    const first = await fx.engine.confirmSale(sale());
    await fx.engine.reserveSeats(eventId, 'alice', [4]);
    const again = await fx.engine.confirmSale(sale({ orderId: 'order-2', seats: [4] }));
    expect(again).toEqual({ ok: true, replay: true, orderId: 'order-1', streamId: first.ok && first.streamId });
    expect(await fx.redis.xlen(fx.engine.keys(eventId)!.sales)).toBe(1);
    // a checkout's first read finds the order its key bought; another key sees the hold
    expect(await fx.engine.getHold(eventId, 'alice', 'key-1')).toEqual({
      ok: true,
      held: [],
      boughtOrderId: 'order-1',
    });
    expect(await fx.engine.getHold(eventId, 'alice', 'key-2')).toMatchObject({ ok: true, held: [{ index: 4 }] });
    const snap = await fx.engine.snapshotEvent(eventId);
    expect(snap.ok && snap.counts).toEqual({ total: 10, available: 7, held: 1, sold: 2 });
  });

  it('without a hold, with an expired hold, or for other seats it refuses and changes nothing', async () => {
    expect(await fx.engine.confirmSale(sale())).toEqual({ ok: false, code: 'no_active_hold' });
    await fx.engine.reserveSeats(eventId, 'alice', [2, 3]);
    const before = await rawState(fx, eventId);
    expect(await fx.engine.confirmSale(sale({ seats: [2] }))).toEqual({ ok: false, code: 'hold_changed' });
    expect(await fx.engine.confirmSale(sale({ seats: [2, 4] }))).toEqual({ ok: false, code: 'hold_changed' });
    expect(await fx.engine.confirmSale(sale({ userId: 'mallory' }))).toEqual({ ok: false, code: 'no_active_hold' });
    expect(await rawState(fx, eventId)).toEqual(before);
    fx.clock.advance(60_000);
    expect(await fx.engine.confirmSale(sale())).toEqual({ ok: false, code: 'no_active_hold' });
    expect(await rawState(fx, eventId)).toEqual(before);
  });

  it('keys are per user: the same key of another user is another sale', async () => {
    await fx.engine.reserveSeats(eventId, 'alice', [2]);
    await fx.engine.reserveSeats(eventId, 'bob', [3]);
    expect((await fx.engine.confirmSale(sale({ seats: [2] }))).ok).toBe(true);
    const bob = await fx.engine.confirmSale(sale({ userId: 'bob', orderId: 'order-2', seats: [3] }));
    expect(bob).toMatchObject({ ok: true, replay: false, orderId: 'order-2' });
  });
});

describe('refund', () => {
  it('puts the seats back on sale and appends the refund once', async () => {
    await fx.engine.reserveSeats(eventId, 'alice', [2, 3]);
    await fx.engine.confirmSale(sale());
    const refund = await fx.engine.refundOrder(eventId, 'order-1');
    expect(refund).toMatchObject({ ok: true, seats: [2, 3] });
    expect(await fx.engine.refundOrder(eventId, 'order-1')).toEqual({
      ok: false,
      code: 'order_not_refundable',
      detail: 'refunded',
    });
    expect(await fx.engine.refundOrder(eventId, 'nope')).toEqual({ ok: false, code: 'order_not_found' });
    const snap = await fx.engine.snapshotEvent(eventId);
    expect(snap.ok && snap.counts).toEqual({ total: 10, available: 10, held: 0, sold: 0 });
    const entries = await fx.redis.xrange(fx.engine.keys(eventId)!.sales, '-', '+');
    expect(entries.map(([, f]) => f[1])).toEqual(['sale', 'refund']);
    expect((await fx.engine.reserveSeats(eventId, 'bob', [2, 3])).ok).toBe(true);
  });
});

describe('close', () => {
  it('stops holds and sales; refunds still work; closing again is harmless', async () => {
    await fx.engine.reserveSeats(eventId, 'alice', [2, 3]);
    await fx.engine.confirmSale(sale());
    await fx.engine.reserveSeats(eventId, 'bob', [5]);
    const closed = await fx.engine.closeEvent(eventId);
    expect(closed.ok).toBe(true);
    expect(await fx.engine.closeEvent(eventId)).toEqual(closed);
    expect(await fx.engine.reserveSeats(eventId, 'carol', [6])).toEqual({ ok: false, code: 'event_closed' });
    expect(await fx.engine.confirmSale(sale({ userId: 'bob', orderId: 'o2', seats: [5] }))).toEqual({
      ok: false,
      code: 'event_closed',
    });
    expect((await fx.engine.refundOrder(eventId, 'order-1', 'event_cancelled')).ok).toBe(true);
    const snap = await fx.engine.snapshotEvent(eventId);
    expect(snap.ok && snap.status).toBe('closed');
  });
});

describe('snapshot and load', () => {
  it('reads 10,000 seats in one call, with a version that follows every change', async () => {
    const big = await loadedEvent(fx, 10_000);
    const first = await fx.engine.snapshotEvent(big);
    expect(first.ok && first.states.length).toBe(10_000);
    await fx.engine.reserveSeats(big, 'alice', [9_999]);
    const second = await fx.engine.snapshotEvent(big);
    expect(second.ok && second.version).toBe((first.ok ? first.version : 0) + 1);
    expect(second.ok && second.stateOf(9_999)).toBe('held');
    expect(second.ok && second.counts).toEqual({ total: 10_000, available: 9_999, held: 1, sold: 0 });
  });

  it('publishes every change on the event channel', async () => {
    const sub = fx.redis.duplicate();
    const messages: string[] = [];
    await sub.subscribe(fx.engine.keys(eventId)!.changes);
    sub.on('message', (_channel, message) => messages.push(message));
    await fx.engine.reserveSeats(eventId, 'alice', [1, 2]);
    await fx.engine.releaseSeats(eventId, 'alice', [2]);
    await fx.redis.ping();
    await sub.ping();
    sub.disconnect();
    // the load was the actor's first version (versionFloor + 1)
    const first = versionFloor(fx.clock.now()) + 1;
    expect(messages).toEqual([`${first + 1} reserve h:1,2`, `${first + 2} release a:2`]);
  });

  it('loading again is idempotent and keeps the live state; another layout is refused', async () => {
    await fx.engine.reserveSeats(eventId, 'alice', [1]);
    const before = await fx.engine.snapshotEvent(eventId);
    const again = await fx.engine.loadEvent({
      eventId,
      seatPricesCents: Array(10).fill(5),
      onSaleMs: 0,
      highDemand: false,
    });
    expect(again).toMatchObject({ ok: true, created: false });
    const after = await fx.engine.snapshotEvent(eventId);
    expect(after.ok && after.states).toBe(before.ok && before.states);
    expect(await fx.engine.loadEvent({ eventId, seatPricesCents: [1, 2], onSaleMs: 0, highDemand: false })).toEqual({
      ok: false,
      code: 'layout_mismatch',
      detail: '10',
    });
  });

  it('rebuilds from completed orders: their seats are sold and refundable', async () => {
    const rebuilt = await fx.engine.loadEvent({
      eventId: '0f5c1a1e-0000-4000-8000-000000000001',
      seatPricesCents: [100, 200, 300, 400],
      onSaleMs: 0,
      highDemand: false,
      orders: [{ orderId: 'o1', userId: 'u1', seats: [1, 3] }],
    });
    expect(rebuilt.ok).toBe(true);
    const id = '0f5c1a1e-0000-4000-8000-000000000001';
    const snap = await fx.engine.snapshotEvent(id);
    expect(snap.ok && snap.states).toBe('0202');
    expect(snap.ok && snap.counts).toEqual({ total: 4, available: 2, held: 0, sold: 2 });
    expect(await fx.engine.reserveSeats(id, 'x', [1])).toEqual({ ok: false, code: 'seats_unavailable', seats: [1] });
    expect((await fx.engine.refundOrder(id, 'o1')).ok).toBe(true);
  });
});
