import { decodeHold, parseSalesEntry } from '../../src/engine/records.js';
import type { RedisClient } from '../../src/infra/redisClient.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/engine/engine.js';
import { engineFixture, loadedEvent, newRedis, type EngineFixture } from '../support/engine.js';

const BUYERS = 500;
const SEATS = 10;
const CONNECTIONS = 20;

let fx: EngineFixture;
let connections: RedisClient[];
let engines: Engine[];
beforeAll(() => {
  fx = engineFixture();
  connections = Array.from({ length: CONNECTIONS }, () => newRedis());
  engines = connections.map((redis) => createEngine({ redis, prefix: fx.prefix, clock: fx.clock }));
});
afterAll(async () => {
  for (const c of connections) c.disconnect();
  await fx.close();
});

/** Deterministic pseudo-random subsets, so a failure can be replayed. */
function seatsFor(buyer: number): number[] {
  const count = 1 + (buyer % 3);
  const seats = new Set<number>();
  for (let i = 0; seats.size < count; i++) seats.add((buyer * 7 + i * 3) % SEATS);
  return [...seats];
}

describe(`${BUYERS} parallel buyers on ${SEATS} seats`, () => {
  it('every seat ends with exactly one owner, counts are conserved, and only holders buy', async () => {
    const eventId = await loadedEvent(fx, SEATS);
    const attempts = await Promise.all(
      Array.from({ length: BUYERS }, (_, buyer) =>
        engines[buyer % CONNECTIONS]!.reserveSeats(eventId, `buyer-${buyer}`, seatsFor(buyer)).then((r) => ({
          buyer,
          r,
        })),
      ),
    );
    const owners = new Map<number, string>();
    for (const { buyer, r } of attempts) {
      if (!r.ok) {
        expect(r.code).toBe('seats_unavailable');
        continue;
      }
      for (const seat of r.held) {
        expect(owners.has(seat.index), `seat ${seat.index} owned twice`).toBe(false);
        owners.set(seat.index, `buyer-${buyer}`);
      }
    }
    const state = await fx.redis.hgetall(fx.engine.keys(eventId)!.state);
    const holderIds = Object.fromEntries(
      Object.entries(state)
        .filter(([f]) => f.startsWith('s:'))
        .map(([f, v]) => [f.slice(2), decodeHold(v).userId]),
    );
    expect(Object.fromEntries([...owners].map(([i, u]) => [String(i), u]))).toEqual(holderIds);
    const snap = await fx.engine.snapshotEvent(eventId);
    if (!snap.ok) throw new Error(snap.code);
    expect(snap.counts.held).toBe(owners.size);
    expect(snap.counts.available + snap.counts.held + snap.counts.sold).toBe(SEATS);

    // Every buyer now tries to check out the seats it asked for: only the holders can.
    const sales = await Promise.all(
      Array.from({ length: BUYERS }, (_, buyer) =>
        engines[buyer % CONNECTIONS]!.confirmSale({
          eventId,
          userId: `buyer-${buyer}`,
          orderId: `order-${buyer}`,
          idempotencyKey: `k-${buyer}`,
          paymentRef: 'p',
          seats: seatsFor(buyer),
        }),
      ),
    );
    const winners = new Set([...owners.values()]);
    sales.forEach((s, buyer) => expect(s.ok, `buyer-${buyer}`).toBe(winners.has(`buyer-${buyer}`)));
    const stream = fx.engine.keys(eventId)!.sales;
    const entries = (await fx.redis.xrange(stream, '-', '+')).map((raw) => parseSalesEntry(stream, raw));
    const soldSeats = entries.flatMap((e) => (e.kind === 'sale' ? e.seats : []));
    expect(soldSeats.sort((a, b) => a - b)).toEqual([...owners.keys()].sort((a, b) => a - b));
    const after = await fx.engine.snapshotEvent(eventId);
    expect(after.ok && after.counts).toEqual({
      total: SEATS,
      available: SEATS - owners.size,
      held: 0,
      sold: owners.size,
    });
  });
});
