import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engineFixture, loadedEvent, type EngineFixture } from '../support/engine.js';
import { rawState } from '../support/rawState.js';
import { versionFloor } from '../../src/engine/versions.js';

let fx: EngineFixture;
let eventId: string;
beforeEach(async () => {
  fx = engineFixture({ holdTtlMs: 60_000 });
  eventId = await loadedEvent(fx, 20);
});
afterEach(() => fx.close());

describe('reserve', () => {
  it('holds the seats, all of them, with a deadline and prices', async () => {
    const result = await fx.engine.reserveSeats(eventId, 'alice', [3, 4]);
    expect(result).toEqual({
      ok: true,
      // the load was the actor's first version (versionFloor + 1), this hold its second
      version: versionFloor(fx.clock.now()) + 2,
      held: [
        { index: 3, deadlineMs: fx.clock.now() + 60_000 },
        { index: 4, deadlineMs: fx.clock.now() + 60_000 },
      ],
    });
    const snap = await fx.engine.snapshotEvent(eventId);
    expect(snap.ok && snap.counts).toEqual({ total: 20, available: 18, held: 2, sold: 0 });
    expect(snap.ok && snap.states.slice(0, 6)).toBe('000110');
  });

  it('is all or nothing: one taken seat refuses the whole request', async () => {
    await fx.engine.reserveSeats(eventId, 'bob', [5]);
    const before = await rawState(fx, eventId);
    const result = await fx.engine.reserveSeats(eventId, 'alice', [4, 5, 6]);
    expect(result).toEqual({ ok: false, code: 'seats_unavailable', seats: [5] });
    expect(await rawState(fx, eventId)).toEqual(before);
  });

  it('re-reserving seats already held succeeds and does not extend their deadline', async () => {
    await fx.engine.reserveSeats(eventId, 'alice', [1]);
    const firstDeadline = fx.clock.now() + 60_000;
    fx.clock.advance(10_000);
    const result = await fx.engine.reserveSeats(eventId, 'alice', [1, 2]);
    expect(result.ok && result.held).toEqual([
      { index: 1, deadlineMs: firstDeadline },
      { index: 2, deadlineMs: fx.clock.now() + 60_000 },
    ]);
  });

  it('caps a user at 6 held seats per event, counting earlier holds', async () => {
    expect((await fx.engine.reserveSeats(eventId, 'alice', [0, 1, 2, 3])).ok).toBe(true);
    const before = await rawState(fx, eventId);
    expect(await fx.engine.reserveSeats(eventId, 'alice', [4, 5, 6])).toEqual({
      ok: false,
      code: 'hold_limit_exceeded',
      detail: '4',
    });
    expect(await rawState(fx, eventId)).toEqual(before);
    expect((await fx.engine.reserveSeats(eventId, 'alice', [4, 5])).ok).toBe(true);
  });

  it('treats an expired hold as free (lazy expiry) without waiting for the sweeper', async () => {
    await fx.engine.reserveSeats(eventId, 'bob', [7]);
    fx.clock.advance(60_000);
    const result = await fx.engine.reserveSeats(eventId, 'alice', [7]);
    expect(result.ok && result.held.map((s) => s.index)).toEqual([7]);
    const snap = await fx.engine.snapshotEvent(eventId);
    expect(snap.ok && snap.counts).toEqual({ total: 20, available: 19, held: 1, sold: 0 });
    expect(await fx.engine.getHold(eventId, 'bob')).toEqual({ ok: true, held: [] });
  });

  it.each([
    ['an empty list', [], 'no_seats'],
    ['more than 6 seats', [0, 1, 2, 3, 4, 5, 6], 'too_many_seats'],
    ['a seat index past the end', [20], 'invalid_seat'],
    ['a negative seat index', [-1], 'invalid_seat'],
    ['a fractional seat index', [1.5], 'invalid_seat'],
    ['a seat index that is not a plain integer', [1e21], 'invalid_seat'],
    ['a duplicate seat', [2, 2], 'duplicate_seats'],
  ])('refuses %s with a typed code and changes nothing', async (_name, seats, code) => {
    await fx.engine.reserveSeats(eventId, 'bob', [9]);
    const before = await rawState(fx, eventId);
    const result = await fx.engine.reserveSeats(eventId, 'alice', seats);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.code).toBe(code);
    expect(await rawState(fx, eventId)).toEqual(before);
  });

  it('refuses an unknown or malformed event', async () => {
    expect(await fx.engine.reserveSeats('9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d', 'a', [0])).toEqual({
      ok: false,
      code: 'event_not_found',
    });
    expect(await fx.engine.reserveSeats('x}{y', 'a', [0])).toEqual({ ok: false, code: 'event_not_found' });
  });

  it('refuses before the on-sale time and on a closed event', async () => {
    const later = await loadedEvent(fx, 5, { onSaleMs: fx.clock.now() + 1000 });
    expect(await fx.engine.reserveSeats(later, 'alice', [0])).toEqual({ ok: false, code: 'not_on_sale' });
    fx.clock.advance(1000);
    expect((await fx.engine.reserveSeats(later, 'alice', [0])).ok).toBe(true);
    await fx.engine.closeEvent(later);
    expect(await fx.engine.reserveSeats(later, 'alice', [1])).toEqual({ ok: false, code: 'event_closed' });
  });

  it('requires a live admission on a high-demand event (the waiting-room hook)', async () => {
    const hot = await loadedEvent(fx, 5, { highDemand: true });
    expect(await fx.engine.reserveSeats(hot, 'alice', [0])).toEqual({ ok: false, code: 'admission_required' });
    const { admitted } = fx.engine.keys(hot)!;
    await fx.redis.zadd(admitted, fx.clock.now() + 1000, 'alice');
    expect((await fx.engine.reserveSeats(hot, 'alice', [0])).ok).toBe(true);
    fx.clock.advance(1000);
    expect(await fx.engine.reserveSeats(hot, 'alice', [1])).toEqual({ ok: false, code: 'admission_required' });
  });
});

describe('release', () => {
  it('releases only the seats the caller holds', async () => {
    await fx.engine.reserveSeats(eventId, 'alice', [1, 2]);
    await fx.engine.reserveSeats(eventId, 'bob', [3]);
    const result = await fx.engine.releaseSeats(eventId, 'alice', [1, 3, 4]);
    expect(result.ok && result.released).toEqual([1]);
    const snap = await fx.engine.snapshotEvent(eventId);
    expect(snap.ok && snap.states.slice(0, 5)).toBe('00110');
    expect(snap.ok && snap.counts).toEqual({ total: 20, available: 18, held: 2, sold: 0 });
    expect((await fx.engine.getHold(eventId, 'alice')).ok && (await fx.engine.getHold(eventId, 'alice'))).toMatchObject(
      {
        held: [{ index: 2 }],
      },
    );
  });

  it('a lapsed hold is no longer held: releasing it reports nothing', async () => {
    await fx.engine.reserveSeats(eventId, 'alice', [6]);
    fx.clock.advance(60_000);
    expect(await fx.engine.releaseSeats(eventId, 'alice', [6])).toMatchObject({ ok: true, released: [] });
  });

  it('bad input changes nothing', async () => {
    await fx.engine.reserveSeats(eventId, 'alice', [1]);
    const before = await rawState(fx, eventId);
    expect(await fx.engine.releaseSeats(eventId, 'alice', [])).toEqual({ ok: false, code: 'no_seats' });
    expect(await fx.engine.releaseSeats(eventId, 'alice', [1, 99])).toMatchObject({ ok: false, code: 'invalid_seat' });
    expect(await fx.engine.releaseSeats(eventId, 'alice', [1, 1])).toMatchObject({
      ok: false,
      code: 'duplicate_seats',
    });
    expect(await rawState(fx, eventId)).toEqual(before);
  });
});

describe('sweep', () => {
  it('frees expired holds in bounded batches and leaves live ones', async () => {
    const small = engineFixture({ holdTtlMs: 1000, sweepBatch: 2 });
    try {
      const ev = await loadedEvent(small, 10);
      await small.engine.reserveSeats(ev, 'a', [0, 1, 2]);
      await small.engine.reserveSeats(ev, 'b', [3, 4]);
      small.clock.advance(500);
      await small.engine.reserveSeats(ev, 'c', [5]);
      small.clock.advance(500);
      expect(await small.engine.sweepHolds(ev)).toBe(5);
      expect(await small.engine.sweepHolds(ev)).toBe(0);
      const snap = await small.engine.snapshotEvent(ev);
      expect(snap.ok && snap.states).toBe('0000010000');
      expect(snap.ok && snap.counts).toEqual({ total: 10, available: 9, held: 1, sold: 0 });
      const state = await small.redis.hgetall(small.engine.keys(ev)!.state);
      const holds = Object.keys(state).filter((f) => f.startsWith('s:') || f.startsWith('u:'));
      expect(holds.sort()).toEqual(['s:5', 'u:c']);
      expect(state['u:c']).toBe(`5:${small.clock.now() + 500}`);
    } finally {
      await small.close();
    }
  });
});
