import type { RedisClient } from '../../src/infra/redisClient.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/engine/engine.js';
import type { SeatBlockArea } from '../../src/engine/operations/reserveBestSeats.js';
import { engineFixture, loadedEvent, newRedis, type EngineFixture } from '../support/engine.js';
import { rawState } from '../support/rawState.js';

const TTL = 60_000;
const EXTENSION = 30_000;
let fx: EngineFixture;
beforeEach(() => {
  fx = engineFixture({ holdTtlMs: TTL, holdExtensionMs: EXTENSION });
});
afterEach(() => fx.close());

/** One section of `rows` x `perRow` seats from index 0. */
const grid = (rows: number, perRow: number): SeatBlockArea[] => [{ firstIndex: 0, rows, seatsPerRow: perRow }];
const indices = (r: Awaited<ReturnType<Engine['reserveSeats']>>) => (r.ok ? r.held.map((h) => h.index) : r.code);

describe('extendHold', () => {
  it('gives every held seat the extension once; the second time is refused and changes nothing', async () => {
    const eventId = await loadedEvent(fx, 10);
    await fx.engine.reserveSeats(eventId, 'alice', [1]);
    fx.clock.advance(5_000);
    await fx.engine.reserveSeats(eventId, 'alice', [2]);
    const t0 = fx.clock.now() - 5_000;
    expect(await fx.engine.extendHold(eventId, 'alice')).toEqual({
      ok: true,
      held: [
        { index: 1, deadlineMs: t0 + TTL + EXTENSION },
        { index: 2, deadlineMs: t0 + 5_000 + TTL + EXTENSION },
      ],
    });
    const hold = await fx.engine.getHold(eventId, 'alice');
    expect(hold.ok && hold.held.map((h) => h.deadlineMs)).toEqual([t0 + TTL + EXTENSION, t0 + 5_000 + TTL + EXTENSION]);
    const before = await rawState(fx, eventId);
    expect(await fx.engine.extendHold(eventId, 'alice')).toEqual({ ok: false, code: 'hold_extension_used' });
    expect(await rawState(fx, eventId)).toEqual(before);
    // adding a seat to the hold does not make it a new hold
    await fx.engine.reserveSeats(eventId, 'alice', [3]);
    const grown = await rawState(fx, eventId);
    expect(await fx.engine.extendHold(eventId, 'alice')).toEqual({ ok: false, code: 'hold_extension_used' });
    expect(await rawState(fx, eventId)).toEqual(grown);
  });

  it('keeps the seats past the original deadline: the sweeper and other buyers see them held', async () => {
    const eventId = await loadedEvent(fx, 10);
    await fx.engine.reserveSeats(eventId, 'alice', [4]);
    await fx.engine.extendHold(eventId, 'alice');
    fx.clock.advance(TTL + 1);
    expect(await fx.engine.sweepHolds(eventId)).toBe(0);
    expect(await fx.engine.reserveSeats(eventId, 'bob', [4])).toEqual({
      ok: false,
      code: 'seats_unavailable',
      seats: [4],
    });
    fx.clock.advance(EXTENSION);
    expect(indices(await fx.engine.reserveSeats(eventId, 'bob', [4]))).toEqual([4]);
  });

  it('a new hold after the last one ended (bought, released or lapsed) may be extended again', async () => {
    const eventId = await loadedEvent(fx, 10);
    await fx.engine.reserveSeats(eventId, 'alice', [0]);
    expect((await fx.engine.extendHold(eventId, 'alice')).ok).toBe(true);
    await fx.engine.releaseSeats(eventId, 'alice', [0]);
    await fx.engine.reserveSeats(eventId, 'alice', [1]);
    expect((await fx.engine.extendHold(eventId, 'alice')).ok).toBe(true);
    const sale = await fx.engine.confirmSale({
      eventId,
      userId: 'alice',
      orderId: 'o1',
      idempotencyKey: 'k1',
      paymentRef: 'p',
      seats: [1],
    });
    expect(sale.ok).toBe(true);
    await fx.engine.reserveSeats(eventId, 'alice', [2]);
    expect((await fx.engine.extendHold(eventId, 'alice')).ok).toBe(true);
    fx.clock.advance(TTL + EXTENSION);
    expect(await fx.engine.sweepHolds(eventId)).toBe(1);
    await fx.engine.reserveSeats(eventId, 'alice', [3]);
    expect((await fx.engine.extendHold(eventId, 'alice')).ok).toBe(true);
  });

  it('refuses without an active hold, on a closed event and for an unknown event, changing nothing', async () => {
    const eventId = await loadedEvent(fx, 10);
    expect(await fx.engine.extendHold(eventId, 'alice')).toEqual({ ok: false, code: 'no_active_hold' });
    await fx.engine.reserveSeats(eventId, 'alice', [0]);
    fx.clock.advance(TTL);
    const lapsed = await rawState(fx, eventId);
    expect(await fx.engine.extendHold(eventId, 'alice')).toEqual({ ok: false, code: 'no_active_hold' });
    expect(await rawState(fx, eventId)).toEqual(lapsed);
    await fx.engine.reserveSeats(eventId, 'bob', [1]);
    await fx.engine.closeEvent(eventId);
    expect(await fx.engine.extendHold(eventId, 'bob')).toEqual({ ok: false, code: 'event_closed' });
    expect(await fx.engine.extendHold('9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d', 'bob')).toEqual({
      ok: false,
      code: 'event_not_found',
    });
  });
});

describe('reserveBest', () => {
  it('takes the block nearest the middle of the first row, then the next best', async () => {
    const eventId = await loadedEvent(fx, 30);
    expect(indices(await fx.engine.reserveBestSeats(eventId, 'a', 2, grid(3, 10)))).toEqual([4, 5]);
    // row 1 now: 0000110000 -> 3 seats: numbers 2-4 and 7-9 are as near the middle: the lower wins
    expect(indices(await fx.engine.reserveBestSeats(eventId, 'b', 3, grid(3, 10)))).toEqual([1, 2, 3]);
    expect(indices(await fx.engine.reserveBestSeats(eventId, 'c', 3, grid(3, 10)))).toEqual([6, 7, 8]);
    // row 1 is 0111111110: no pair left -> row 2, middle
    expect(indices(await fx.engine.reserveBestSeats(eventId, 'd', 2, grid(3, 10)))).toEqual([14, 15]);
    // an odd block in an even row: the tie goes to the lower numbers
    expect(indices(await fx.engine.reserveBestSeats(eventId, 'e', 1, grid(3, 10)))).toEqual([0]);
    expect(indices(await fx.engine.reserveBestSeats(eventId, 'f', 1, grid(3, 10)))).toEqual([9]);
  });

  it('searches sections in the order given and never spans two rows', async () => {
    const eventId = await loadedEvent(fx, 20);
    // section A: seats 0..7 as 2 rows of 4; section B: seats 8..19 as 2 rows of 6
    const areas = [
      { firstIndex: 0, rows: 2, seatsPerRow: 4 },
      { firstIndex: 8, rows: 2, seatsPerRow: 6 },
    ];
    await fx.engine.reserveSeats(eventId, 'x', [1, 6]); // A row 1: 0100, row 2: 0010
    // 3 free seats run from seat 2 of row 1 into row 2 (indices 2,3,4): not a block
    expect(indices(await fx.engine.reserveBestSeats(eventId, 'a', 3, areas))).toEqual([9, 10, 11]);
    expect(indices(await fx.engine.reserveBestSeats(eventId, 'b', 2, areas))).toEqual([2, 3]);
    expect(indices(await fx.engine.reserveBestSeats(eventId, 'c', 2, areas.slice(1)))).toEqual([12, 13]);
    expect(indices(await fx.engine.reserveBestSeats(eventId, 'd', 5, areas))).toEqual([14, 15, 16, 17, 18]);
  });

  it('counts the seats held before toward the per-user cap and answers the whole hold', async () => {
    const eventId = await loadedEvent(fx, 30);
    await fx.engine.reserveSeats(eventId, 'a', [29]);
    const best = await fx.engine.reserveBestSeats(eventId, 'a', 3, grid(3, 10));
    expect(best.ok && best.held.map((h) => h.index)).toEqual([29, 3, 4, 5]);
    const before = await rawState(fx, eventId);
    expect(await fx.engine.reserveBestSeats(eventId, 'a', 3, grid(3, 10))).toEqual({
      ok: false,
      code: 'hold_limit_exceeded',
      detail: '4',
    });
    expect(await rawState(fx, eventId)).toEqual(before);
  });

  it('frees lapsed holds first (lazy expiry) and answers seats_unavailable when no block fits', async () => {
    const eventId = await loadedEvent(fx, 6);
    expect(indices(await fx.engine.reserveBestSeats(eventId, 'a', 6, grid(1, 6)))).toEqual([0, 1, 2, 3, 4, 5]);
    const full = await rawState(fx, eventId);
    expect(await fx.engine.reserveBestSeats(eventId, 'b', 1, grid(1, 6))).toEqual({
      ok: false,
      code: 'seats_unavailable',
      seats: [],
    });
    expect(await rawState(fx, eventId)).toEqual(full);
    fx.clock.advance(TTL);
    expect(indices(await fx.engine.reserveBestSeats(eventId, 'b', 4, grid(1, 6)))).toEqual([1, 2, 3, 4]);
    expect(await fx.engine.getHold(eventId, 'a')).toEqual({ ok: true, held: [] });
    const snap = await fx.engine.snapshotEvent(eventId);
    expect(snap.ok && snap.counts).toEqual({ total: 6, available: 2, held: 4, sold: 0 });
  });

  it.each([
    ['a quantity of 0', 0, grid(1, 5), 'no_seats'],
    ['a fractional quantity', 1.5, grid(1, 5), 'no_seats'],
    ['more than the per-call limit', 7, grid(1, 10), 'too_many_seats'],
    ['an area past the last seat', 1, grid(2, 10), 'bad_layout'],
  ])('refuses %s and changes nothing', async (_name, quantity, areas, code) => {
    const eventId = await loadedEvent(fx, 10);
    const before = await rawState(fx, eventId);
    const result = await fx.engine.reserveBestSeats(eventId, 'a', quantity, areas);
    expect(!result.ok && result.code).toBe(code);
    expect(await rawState(fx, eventId)).toEqual(before);
  });

  it('applies the sale rules of reserve: on-sale time, closed event, waiting-room admission', async () => {
    const later = await loadedEvent(fx, 5, { onSaleMs: fx.clock.now() + 1000 });
    expect(await fx.engine.reserveBestSeats(later, 'a', 1, grid(1, 5))).toEqual({ ok: false, code: 'not_on_sale' });
    const hot = await loadedEvent(fx, 5, { highDemand: true });
    expect(await fx.engine.reserveBestSeats(hot, 'a', 1, grid(1, 5))).toEqual({
      ok: false,
      code: 'admission_required',
    });
    await fx.redis.zadd(fx.engine.keys(hot)!.admitted, fx.clock.now() + 1000, 'a');
    expect(indices(await fx.engine.reserveBestSeats(hot, 'a', 1, grid(1, 5)))).toEqual([2]);
    await fx.engine.closeEvent(hot);
    expect(await fx.engine.reserveBestSeats(hot, 'a', 1, grid(1, 5))).toEqual({ ok: false, code: 'event_closed' });
  });
});

describe('200 concurrent best-available buyers on 20 connections', () => {
  const BUYERS = 200;
  let connections: RedisClient[];
  let engines: Engine[];
  beforeAll(() => {
    connections = Array.from({ length: 20 }, () => newRedis());
  });
  afterAll(() => {
    for (const c of connections) c.disconnect();
  });

  it('every hold is one contiguous block in one row, no seat is held twice, counts add up', async () => {
    engines = connections.map((redis) =>
      createEngine({ redis, prefix: fx.prefix, clock: fx.clock, limits: { holdTtlMs: TTL } }),
    );
    const ROWS = 20;
    const PER_ROW = 25; // 500 seats; the buyers want 1..6 each (about 700): some are refused
    const eventId = await loadedEvent(fx, ROWS * PER_ROW);
    const wants = (buyer: number) => 1 + (buyer % 6);
    const results = await Promise.all(
      Array.from({ length: BUYERS }, (_, buyer) =>
        engines[buyer % engines.length]!.reserveBestSeats(eventId, `buyer-${buyer}`, wants(buyer), grid(ROWS, PER_ROW)),
      ),
    );
    const owner = new Map<number, number>();
    let held = 0;
    results.forEach((r, buyer) => {
      if (!r.ok) {
        expect(r.code).toBe('seats_unavailable');
        return;
      }
      const seats = r.held.map((h) => h.index);
      expect(seats).toHaveLength(wants(buyer));
      seats.forEach((seat, i) => {
        if (i > 0) expect(seat).toBe(seats[i - 1]! + 1);
        expect(owner.has(seat), `seat ${seat} held twice`).toBe(false);
        owner.set(seat, buyer);
      });
      expect(Math.floor(seats[0]! / PER_ROW)).toBe(Math.floor(seats.at(-1)! / PER_ROW));
      held += seats.length;
    });
    expect(results.filter((r) => r.ok).length).toBeGreaterThan(100);
    const snap = await fx.engine.snapshotEvent(eventId);
    expect(snap.ok && snap.counts).toEqual({ total: ROWS * PER_ROW, available: ROWS * PER_ROW - held, held, sold: 0 });
    const state = await fx.redis.hgetall(fx.engine.keys(eventId)!.state);
    for (const [seat, buyer] of owner) expect(state[`s:${seat}`]).toBe(`${fx.clock.now() + TTL} buyer-${buyer}`);
  });
});
