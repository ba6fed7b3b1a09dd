import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventInventory } from '../../src/engine/operations/loadEvent.js';
import { engineFixture, type EngineFixture } from '../support/engine.js';
import { rawState } from '../support/rawState.js';

/** The sales window lives in the actor: every script that holds or sells asks it, with the injected clock. */

let fx: EngineFixture;
let eventId: string;
let salesEndMs: number;
const inventory = (over: Partial<EventInventory> = {}): EventInventory => ({
  eventId,
  seatPricesCents: Array(10).fill(1000),
  onSaleMs: fx.clock.now() - 1000,
  salesEndMs,
  highDemand: false,
  ...over,
});
const sale = (seats: number[], key: string = randomUUID()) => ({
  eventId,
  userId: 'alice',
  orderId: randomUUID(),
  idempotencyKey: key,
  paymentRef: 'pay',
  seats,
});

beforeEach(async () => {
  fx = engineFixture({ holdTtlMs: 600_000 });
  eventId = randomUUID();
  salesEndMs = fx.clock.now() + 60_000;
  expect(await fx.engine.loadEvent(inventory())).toMatchObject({ ok: true, created: true });
});
afterEach(() => fx.close());

describe('the sales end', () => {
  it('holds and sales go through until the millisecond before it, and not from it on', async () => {
    expect(await fx.engine.reserveSeats(eventId, 'alice', [0])).toMatchObject({ ok: true });
    fx.clock.set(salesEndMs - 1);
    expect(await fx.engine.reserveSeats(eventId, 'alice', [1])).toMatchObject({ ok: true });
    expect(await fx.engine.confirmSale(sale([0]))).toMatchObject({ ok: false, code: 'hold_changed' });
    expect(await fx.engine.confirmSale(sale([0, 1]))).toMatchObject({ ok: true, replay: false });

    await fx.engine.reserveSeats(eventId, 'alice', [2]);
    const before = await rawState(fx, eventId);
    fx.clock.set(salesEndMs);
    expect(await fx.engine.reserveSeats(eventId, 'bob', [3])).toEqual({ ok: false, code: 'sales_ended' });
    expect(await fx.engine.confirmSale(sale([2]))).toEqual({ ok: false, code: 'sales_ended' });
    // nothing changed: the refused calls wrote nothing, and the hold lapses at its deadline
    expect(await rawState(fx, eventId)).toEqual(before);
  });

  it('best available and hold extension ask the same window', async () => {
    const area = [{ firstIndex: 0, rows: 1, seatsPerRow: 10 }];
    expect(await fx.engine.reserveBestSeats(eventId, 'alice', 2, area)).toMatchObject({ ok: true });
    const before = await rawState(fx, eventId);
    fx.clock.set(salesEndMs);
    expect(await fx.engine.reserveBestSeats(eventId, 'bob', 2, area)).toEqual({ ok: false, code: 'sales_ended' });
    expect(await fx.engine.extendHold(eventId, 'alice')).toEqual({ ok: false, code: 'sales_ended' });
    expect(await rawState(fx, eventId)).toEqual(before);
    await fx.redis.hdel(fx.engine.keys(eventId)!.state, 'salesEndMs');
    expect(await fx.engine.reserveBestSeats(eventId, 'bob', 2, area)).toEqual({ ok: false, code: 'actor_outdated' });
    expect(await fx.engine.extendHold(eventId, 'alice')).toEqual({ ok: false, code: 'actor_outdated' });
    await fx.engine.loadEvent(inventory({ salesEndMs: salesEndMs + 1 }));
    expect(await fx.engine.extendHold(eventId, 'alice')).toMatchObject({ ok: true });
    expect(await fx.engine.reserveBestSeats(eventId, 'bob', 2, area)).toMatchObject({ ok: true });
  });

  it('a sale already made replays after the end: the refusal comes after the idempotency check', async () => {
    await fx.engine.reserveSeats(eventId, 'alice', [4]);
    const first = await fx.engine.confirmSale(sale([4], 'key-1'));
    fx.clock.set(salesEndMs + 1);
    expect(await fx.engine.confirmSale(sale([4], 'key-1'))).toMatchObject({
      ok: true,
      replay: true,
      orderId: first.ok && first.orderId,
    });
  });

  it('a closed (cancelled) event refuses holds and sales before any window check', async () => {
    await fx.engine.reserveSeats(eventId, 'alice', [5]);
    expect(await fx.engine.closeEvent(eventId)).toMatchObject({ ok: true });
    expect(await fx.engine.reserveSeats(eventId, 'bob', [6])).toEqual({ ok: false, code: 'event_closed' });
    expect(await fx.engine.confirmSale(sale([5]))).toEqual({ ok: false, code: 'event_closed' });
  });

  it('an update reaches the live actor in one step: moving the end to now stops sales at once', async () => {
    await fx.engine.reserveSeats(eventId, 'alice', [7]);
    const loaded = await fx.engine.loadEvent(inventory({ salesEndMs: fx.clock.now() }));
    expect(loaded).toMatchObject({ ok: true, created: false });
    expect(await fx.engine.reserveSeats(eventId, 'bob', [8])).toEqual({ ok: false, code: 'sales_ended' });
    expect(await fx.engine.confirmSale(sale([7]))).toEqual({ ok: false, code: 'sales_ended' });
    // and back: the window opens again
    await fx.engine.loadEvent(inventory({ salesEndMs: fx.clock.now() + 1 }));
    expect(await fx.engine.confirmSale(sale([7]))).toMatchObject({ ok: true });
  });

  it('an actor loaded before sales ends existed fails closed until its settings are reloaded', async () => {
    await fx.engine.reserveSeats(eventId, 'alice', [9]);
    // what a release without sales ends left in Redis: no salesEndMs field
    await fx.redis.hdel(fx.engine.keys(eventId)!.state, 'salesEndMs');
    fx.clock.set(salesEndMs + 1);
    expect(await fx.engine.reserveSeats(eventId, 'bob', [0])).toEqual({ ok: false, code: 'actor_outdated' });
    expect(await fx.engine.confirmSale(sale([9]))).toEqual({ ok: false, code: 'actor_outdated' });
    // the reload (what the API does on actor_outdated) brings the sales end, enforced at once
    expect(await fx.engine.loadEvent(inventory())).toMatchObject({ ok: true, created: false });
    expect(await fx.engine.reserveSeats(eventId, 'bob', [0])).toEqual({ ok: false, code: 'sales_ended' });
    expect(await fx.engine.confirmSale(sale([9]))).toEqual({ ok: false, code: 'sales_ended' });
  });

  it('the start of sales still holds, and sales never end when no end is given', async () => {
    const later = randomUUID();
    await fx.engine.loadEvent({
      eventId: later,
      seatPricesCents: [1],
      onSaleMs: fx.clock.now() + 1000,
      highDemand: false,
    });
    expect(await fx.engine.reserveSeats(later, 'alice', [0])).toEqual({ ok: false, code: 'not_on_sale' });
    fx.clock.advance(100 * 365 * 86_400_000);
    expect(await fx.engine.reserveSeats(later, 'alice', [0])).toMatchObject({ ok: true });
  });
});
