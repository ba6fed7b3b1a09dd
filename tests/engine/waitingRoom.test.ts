import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueSettings } from '../../src/engine/operations/queueScripts.js';
import { estimatedWaitSeconds } from '../../src/services/queueView.js';
import { engineFixture, loadedEvent, type EngineFixture } from '../support/engine.js';

let fx: EngineFixture;
beforeAll(() => {
  fx = engineFixture();
});
afterAll(() => fx.close());

const SETTINGS: QueueSettings = {
  ratePerSecond: 50,
  capacity: 1000,
  admissionMs: 15 * 60_000,
  abandonMs: 120_000,
  seed: 'test-seed',
};

/** A high-demand event whose sale opens `opensInMs` from now on the fake clock. */
async function queuedEvent(opensInMs: number, settings: Partial<QueueSettings> = {}) {
  const eventId = await loadedEvent(fx, 100, { highDemand: true, onSaleMs: fx.clock.now() + opensInMs });
  await fx.engine.configureQueue(eventId, { ...SETTINGS, ...settings });
  return eventId;
}

async function join(eventId: string, userId: string) {
  const r = await fx.engine.joinQueue(eventId, userId);
  if (!r.ok) throw new Error(r.code);
  return r;
}

async function positions(eventId: string, users: string[]): Promise<number[]> {
  return Promise.all(
    users.map(async (u) => {
      const r = await fx.engine.queuePosition(eventId, u);
      return r.ok ? r.position : -1;
    }),
  );
}

const usersNamed = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag}-${i}`);

describe('joining', () => {
  it('gives 10,000 joiners after the opening exactly the positions 1..N in arrival order', async () => {
    const eventId = await queuedEvent(-1000);
    const users = usersNamed(10_000, 'fifo');
    for (let i = 0; i < users.length; i += 500) await Promise.all(users.slice(i, i + 500).map((u) => join(eventId, u)));
    expect(await positions(eventId, users)).toEqual(users.map((_, i) => i + 1));
    const again = await join(eventId, users[1234]!);
    expect([again.status, again.position, again.queueLength]).toEqual(['waiting', 1235, 10_000]);
  });

  it('places early joiners in a seeded random order, then later arrivals in arrival order behind them', async () => {
    const early = usersNamed(2_000, 'early');
    const late = usersNamed(100, 'late');
    const orderWith = async (seed: string) => {
      const eventId = await queuedEvent(60_000, { seed });
      for (let i = 0; i < early.length; i += 500)
        await Promise.all(early.slice(i, i + 500).map((u) => join(eventId, u)));
      fx.clock.advance(60_000);
      for (const u of late) await join(eventId, u);
      fx.clock.advance(-60_000);
      return positions(eventId, [...early, ...late]);
    };
    const first = await orderWith('seed-a');
    const earlyPositions = first.slice(0, early.length);
    expect([...earlyPositions].sort((a, b) => a - b)).toEqual(early.map((_, i) => i + 1));
    // shuffled: far from join order (a sorted list would have 1,999 ascending neighbours)
    const ascending = earlyPositions.filter((p, i) => i > 0 && p > earlyPositions[i - 1]!).length;
    expect(ascending).toBeGreaterThan(800);
    expect(ascending).toBeLessThan(1200);
    expect(first.slice(early.length)).toEqual(late.map((_, i) => early.length + i + 1));
    expect(await orderWith('seed-a')).toEqual(first);
    expect(await orderWith('seed-b')).not.toEqual(first);
  });

  it('refuses events without a waiting room and unknown events', async () => {
    const plain = await loadedEvent(fx, 10);
    expect(await fx.engine.joinQueue(plain, 'u')).toEqual({ ok: false, code: 'queue_not_enabled' });
    expect(await fx.engine.joinQueue('no-such-event', 'u')).toEqual({ ok: false, code: 'event_not_found' });
  });
});

describe('admission', () => {
  it('admits at the configured rate and never more than the capacity, with three drivers at once', async () => {
    const eventId = await queuedEvent(-1, { ratePerSecond: 100, capacity: 250 });
    const users = usersNamed(1_000, 'adm');
    for (let i = 0; i < users.length; i += 500) await Promise.all(users.slice(i, i + 500).map((u) => join(eventId, u)));
    let admittedTotal = 0;
    const history: number[] = [];
    // 100 ms steps for 3 s: three drivers each run a step every time
    for (let step = 1; step <= 30; step++) {
      fx.clock.advance(100);
      const steps = await Promise.all([
        fx.engine.admitBuyers(eventId),
        fx.engine.admitBuyers(eventId),
        fx.engine.admitBuyers(eventId),
      ]);
      admittedTotal += steps.reduce((n, s) => n + (s?.admitted ?? 0), 0);
      history.push(admittedTotal);
      const { admitted } = await fx.engine.queueCounts(eventId);
      expect(admitted).toBeLessThanOrEqual(250);
    }
    // 10 per 100 ms step from the opening, however many drivers, until capacity (250) stops it
    expect(history).toEqual(history.map((_, i) => Math.min(10 * (i + 1), 250)));
    expect(await fx.engine.queueCounts(eventId)).toEqual({ waiting: 750, admitted: 250 });

    // an admitted buyer who leaves frees a place for the next one
    for (const u of users.slice(0, 5)) expect(await fx.engine.leaveQueue(eventId, u)).toBe(true);
    fx.clock.advance(1000);
    expect((await fx.engine.admitBuyers(eventId))?.admitted).toBe(5);
  });

  it('admits nobody before the sale opens', async () => {
    const eventId = await queuedEvent(10_000);
    await join(eventId, 'before');
    fx.clock.advance(5_000);
    expect((await fx.engine.admitBuyers(eventId))?.admitted).toBe(0);
    fx.clock.advance(6_000);
    expect((await fx.engine.admitBuyers(eventId))?.admitted).toBe(1);
    fx.clock.advance(-11_000);
  });

  it('reserve needs a live admission: none, admitted, then lapsed after 15 minutes', async () => {
    const eventId = await queuedEvent(-1);
    expect(await fx.engine.reserveSeats(eventId, 'buyer', [1])).toMatchObject({
      ok: false,
      code: 'admission_required',
    });
    await join(eventId, 'buyer');
    expect(await fx.engine.reserveSeats(eventId, 'buyer', [1])).toMatchObject({
      ok: false,
      code: 'admission_required',
    });
    fx.clock.advance(1000);
    await fx.engine.admitBuyers(eventId);
    const admitted = await fx.engine.queuePosition(eventId, 'buyer');
    expect(admitted).toMatchObject({ status: 'admitted', position: 0, admittedUntilMs: fx.clock.now() + 15 * 60_000 });
    expect(await fx.engine.reserveSeats(eventId, 'buyer', [1])).toMatchObject({ ok: true });
    fx.clock.advance(15 * 60_000);
    expect(await fx.engine.reserveSeats(eventId, 'buyer', [2])).toMatchObject({
      ok: false,
      code: 'admission_required',
    });
    expect(await fx.engine.queuePosition(eventId, 'buyer')).toMatchObject({ status: 'expired' });
    expect((await fx.engine.admitBuyers(eventId))?.lapsed).toBe(1);
    expect(await fx.engine.queueCounts(eventId)).toEqual({ waiting: 0, admitted: 0 });
    // rejoining puts the buyer at the back of the queue again
    expect(await join(eventId, 'buyer')).toMatchObject({ status: 'waiting', position: 1 });
  });

  it('a sale leaves the waiting room in the same script: the admission goes to the next in line, with no second call', async () => {
    const eventId = await queuedEvent(-1, { capacity: 1 });
    await join(eventId, 'first');
    await join(eventId, 'next');
    fx.clock.advance(1000);
    expect((await fx.engine.admitBuyers(eventId))?.admitted).toBe(1);
    expect(await fx.engine.reserveSeats(eventId, 'first', [3])).toMatchObject({ ok: true });
    const sale = await fx.engine.confirmSale({
      eventId,
      userId: 'first',
      orderId: 'o-first',
      idempotencyKey: 'k',
      paymentRef: 'p',
      seats: [3],
    });
    expect(sale).toMatchObject({ ok: true, replay: false });
    expect(await fx.engine.queuePosition(eventId, 'first')).toMatchObject({ status: 'not_queued' });
    expect(await fx.engine.queueCounts(eventId)).toEqual({ waiting: 1, admitted: 0 });
    fx.clock.advance(1000);
    expect((await fx.engine.admitBuyers(eventId))?.admitted).toBe(1);
    expect(await fx.engine.queuePosition(eventId, 'next')).toMatchObject({ status: 'admitted' });
  });

  it('a waiting buyer who stops polling loses the place; one who polls keeps it', async () => {
    const eventId = await queuedEvent(60_000);
    await join(eventId, 'quiet');
    await join(eventId, 'polling');
    fx.clock.advance(100_000);
    await fx.engine.queuePosition(eventId, 'polling');
    fx.clock.advance(30_000);
    const step = await fx.engine.admitBuyers(eventId);
    expect(step?.abandoned).toBe(1);
    expect(await fx.engine.queuePosition(eventId, 'quiet')).toMatchObject({ status: 'expired' });
    expect(await fx.engine.queuePosition(eventId, 'polling')).toMatchObject({ status: 'admitted' });
  });
});

describe('estimated wait', () => {
  it('in a steady run, the ETA a buyer is told is within 5% of the wait they see', async () => {
    const eventId = await queuedEvent(-1, { ratePerSecond: 40, capacity: 100_000 });
    const users = usersNamed(3_000, 'eta');
    for (let i = 0; i < users.length; i += 500) await Promise.all(users.slice(i, i + 500).map((u) => join(eventId, u)));
    const tick = async () => {
      fx.clock.advance(250);
      await fx.engine.admitBuyers(eventId);
    };
    for (let i = 0; i < 40; i++) await tick(); // 10 s of steady admission
    const probes = ['eta-800', 'eta-1500', 'eta-2500'];
    const told = new Map<string, { etaSeconds: number; at: number }>();
    for (const u of probes) {
      const s = await fx.engine.queuePosition(eventId, u);
      if (!s.ok || s.status !== 'waiting') throw new Error('probe not waiting');
      told.set(u, { etaSeconds: estimatedWaitSeconds(s, fx.clock.now()), at: fx.clock.now() });
    }
    const seen = new Map<string, number>();
    while (seen.size < probes.length) {
      await tick();
      for (const u of probes) {
        if (seen.has(u)) continue;
        const s = await fx.engine.queuePosition(eventId, u);
        if (s.ok && s.status === 'admitted') seen.set(u, (fx.clock.now() - told.get(u)!.at) / 1000);
      }
    }
    for (const u of probes) {
      const { etaSeconds } = told.get(u)!;
      expect(Math.abs(etaSeconds - seen.get(u)!) / seen.get(u)!).toBeLessThanOrEqual(0.05);
    }
  });
});
