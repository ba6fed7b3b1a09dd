import { parseSalesEntry } from '../../src/engine/records.js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, loadedEvent, type EngineFixture } from '../support/engine.js';
import { InventoryModel } from './inventoryModel.js';

const SEATS = 10;
const TTL_MS = 60_000;
const USERS = ['ann', 'ben', 'cat'];

type Step =
  | { kind: 'reserve'; user: string; seats: number[] }
  | { kind: 'release'; user: string; seats: number[] }
  | { kind: 'confirm'; user: string }
  | { kind: 'refund'; order: number }
  | { kind: 'advance'; ms: number }
  | { kind: 'sweep' };

const user = fc.constantFrom(...USERS);
const seats = fc.uniqueArray(fc.integer({ min: 0, max: SEATS - 1 }), { minLength: 1, maxLength: 4 });
// Expiry bugs live at the boundary: step onto and just short of a deadline often.
const clockStep = fc.oneof(fc.constantFrom(1, TTL_MS / 2, TTL_MS - 1, TTL_MS), fc.integer({ min: 1, max: TTL_MS }));
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('reserve' as const), user, seats }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('release' as const), user, seats }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('confirm' as const), user }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('refund' as const), order: fc.nat(20) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: clockStep }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('sweep' as const) }) },
);

let fx: EngineFixture;
beforeAll(() => {
  fx = engineFixture({ holdTtlMs: TTL_MS, maxSeatsPerUser: 6 });
});
afterAll(() => fx.close());

describe('engine against an in-memory model', () => {
  it('agrees on every outcome and keeps I1, I2 and I6 after every step', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 40 }), async (steps) => {
        const eventId = await loadedEvent(fx, SEATS);
        const model = new InventoryModel(SEATS, TTL_MS, 6);
        const orderIds: string[] = [];
        for (const s of steps) {
          const now = fx.clock.now();
          switch (s.kind) {
            case 'reserve': {
              const expected = model.reserve(s.user, s.seats, now);
              const actual = await fx.engine.reserveSeats(eventId, s.user, s.seats);
              expect(actual.ok).toBe(expected.ok);
              if (!actual.ok && !expected.ok) {
                expect(actual.code).toBe(expected.code);
                if (expected.seats) expect(actual.seats).toEqual(expected.seats);
              }
              break;
            }
            case 'release': {
              const expected = model.release(s.user, s.seats, now);
              const actual = await fx.engine.releaseSeats(eventId, s.user, s.seats);
              expect(actual.ok && actual.released.sort()).toEqual(expected.sort());
              break;
            }
            case 'confirm': {
              const hold = await fx.engine.getHold(eventId, s.user);
              const paid = hold.ok ? hold.held.map((h) => h.index) : [];
              expect([...paid].sort((a, b) => a - b)).toEqual(model.activeHold(s.user, now));
              const orderId = `${eventId}-o${orderIds.length}`;
              const expected = model.confirm(s.user, orderId, now);
              const actual = await fx.engine.confirmSale({
                eventId,
                userId: s.user,
                orderId,
                idempotencyKey: orderId,
                paymentRef: 'p',
                seats: paid,
              });
              expect(actual.ok).toBe(expected);
              if (expected) orderIds.push(orderId);
              break;
            }
            case 'refund': {
              const orderId = orderIds[s.order] ?? 'missing';
              const actual = await fx.engine.refundOrder(eventId, orderId);
              expect(actual.ok).toBe(model.refund(orderId));
              break;
            }
            case 'advance':
              fx.clock.advance(s.ms);
              break;
            case 'sweep':
              await fx.engine.sweepHolds(eventId);
              break;
          }
          const snap = await fx.engine.snapshotEvent(eventId);
          if (!snap.ok) throw new Error(snap.code);
          // Same seat map as the model (I6: holds belong to their holder and lapse on time).
          expect(snap.states).toBe(model.states(fx.clock.now()));
          // I2: capacity is conserved.
          const { total, available, held, sold } = snap.counts;
          expect(available + held + sold).toBe(total);
          expect(sold).toBe([...snap.states].filter((c) => c === '2').length);
          expect(held).toBe([...snap.states].filter((c) => c === '1').length);
          // The light counts of event lists agree with the full snapshot.
          expect(await fx.engine.counts(eventId)).toEqual(snap.counts);
        }
        // I1: in the stream, no seat is sold again before its sale was refunded.
        const sales = fx.engine.keys(eventId)!.sales;
        const entries = (await fx.redis.xrange(sales, '-', '+')).map((raw) => parseSalesEntry(sales, raw));
        const soldNow = new Set<number>();
        for (const entry of entries) {
          if (entry.kind === 'malformed') throw new Error(`malformed stream entry ${entry.streamId}`);
          for (const seat of entry.seats) {
            if (entry.kind === 'sale') {
              expect(soldNow.has(seat), `seat ${seat} sold twice`).toBe(false);
              soldNow.add(seat);
            } else {
              soldNow.delete(seat);
            }
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});
