import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/engine/clock.js';
import { createEngine } from '../../src/engine/engine.js';
import { silentLogger } from '../../src/infra/logger.js';
import { Persister } from '../../src/persist/persister.js';
import { rebuildActor } from '../../src/persist/rebuild.js';
import { reconcileEvent } from '../../src/persist/reconcile.js';
import { repairActor } from '../../src/services/failoverRepair.js';
import { deletePrefix, type EngineFixture } from '../support/engine.js';
import type { TestDatabase } from '../support/postgres.js';
import { buy, engineWithDatabase, seedEvent, type EngineWithDatabase } from '../support/world.js';

let stack: EngineWithDatabase;
let fx: EngineFixture;
let db: TestDatabase;
let persister: Persister;
let users: string[];
beforeAll(async () => {
  stack = await engineWithDatabase(3);
  ({ fx, db, users } = stack);
  persister = new Persister({ redis: fx.redis, pool: db.pool, log: silentLogger, prefix: fx.prefix });
});
afterAll(() => stack.close());
const deps = () => ({ engine: fx.engine, pool: db.pool });
const drain = async () => {
  while ((await persister.drainOnce()) > 0);
};

describe('rebuild', () => {
  it('after the actor is lost, every seat sold in Postgres stays sold and cannot be reserved', async () => {
    const { eventId } = await seedEvent(db.pool, fx.engine);
    const kept = await buy(fx.engine, eventId, users[0]!, [0, 1]);
    const refunded = await buy(fx.engine, eventId, users[1]!, [2]);
    await fx.engine.refundOrder(eventId, refunded);
    await buy(fx.engine, eventId, users[2]!, [5]);
    await drain();
    await deletePrefix(fx.redis, fx.prefix); // Redis loses everything (as FLUSHALL would)

    expect(await fx.engine.reserveSeats(eventId, users[2]!, [0])).toEqual({ ok: false, code: 'event_not_found' });
    expect(await rebuildActor(deps(), eventId)).toEqual({ ok: true, created: true, seats: 20, sold: 3 });
    const snap = await fx.engine.snapshotEvent(eventId);
    expect(snap.ok && snap.states.slice(0, 6)).toBe('220002');
    expect(await fx.engine.reserveSeats(eventId, users[2]!, [1])).toEqual({
      ok: false,
      code: 'seats_unavailable',
      seats: [1],
    });
    expect((await fx.engine.reserveSeats(eventId, users[2]!, [2])).ok).toBe(true);
    // The rebuilt orders can still be refunded.
    expect((await fx.engine.refundOrder(eventId, kept)).ok).toBe(true);
  });

  it('refuses an unknown event, and a replace while sales are not yet persisted', async () => {
    expect(await rebuildActor(deps(), '00000000-0000-4000-8000-000000000000')).toEqual({
      ok: false,
      code: 'event_not_found',
    });
    const { eventId } = await seedEvent(db.pool, fx.engine);
    await buy(fx.engine, eventId, users[0]!, [4]);
    expect(await rebuildActor(deps(), eventId, { replace: true })).toEqual({ ok: false, code: 'stream_not_drained' });
    await drain();
    expect(await rebuildActor(deps(), eventId, { replace: true })).toMatchObject({ ok: true, created: true, sold: 1 });
  });

  it('a replace keeps the actor when a sale is made while it reads Postgres (the drop is fenced by the sales stream)', async () => {
    const { eventId } = await seedEvent(db.pool, fx.engine);
    await buy(fx.engine, eventId, users[0]!, [0]);
    await drain();
    // A sale lands after the rebuild has read Postgres and checked the backlog, before its drop.
    let late: string | undefined;
    const engine = new Proxy(fx.engine, {
      get(target, name, receiver) {
        if (name !== 'dropActor') return Reflect.get(target, name, receiver);
        return async (id: string, head: string) => {
          late ??= await buy(target, eventId, users[1]!, [1]);
          return target.dropActor(id, head);
        };
      },
    });
    expect(await rebuildActor({ engine, pool: db.pool }, eventId, { replace: true })).toEqual({
      ok: false,
      code: 'stream_not_drained',
    });
    const snap = await fx.engine.snapshotEvent(eventId);
    expect(snap.ok && snap.states.slice(0, 3)).toBe('220');
    expect((await fx.engine.orders(eventId)).map((o) => o.orderId)).toContain(late);
    // Once that sale is persisted, the replace goes through and keeps it.
    await drain();
    expect(await rebuildActor(deps(), eventId, { replace: true })).toMatchObject({ ok: true, sold: 2 });
  });

  it("a rebuilt actor gives out versions above the dropped one's, even on a clock that stands still before it", async () => {
    const { eventId } = await seedEvent(db.pool, fx.engine);
    for (let i = 0; i < 5; i++) {
      await fx.engine.reserveSeats(eventId, users[0]!, [i]);
      await fx.engine.releaseSeats(eventId, users[0]!, [i]);
    }
    const before = (await fx.engine.seatVersion(eventId))!;
    expect(before).toBeGreaterThan(10);
    // The repair runs on a clock far behind the one the actor was loaded with.
    const behind = createEngine({ redis: fx.redis, prefix: fx.prefix, clock: new FakeClock(Date.UTC(2024, 0, 1)) });
    expect(await rebuildActor({ engine: behind, pool: db.pool }, eventId, { replace: true })).toMatchObject({
      ok: true,
    });
    expect(await fx.engine.seatVersion(eventId)).toBe(before + 1);
  });

  it('an actor Redis lost is rebuilt with versions above any the lost one gave out', async () => {
    const { eventId } = await seedEvent(db.pool, fx.engine);
    for (let i = 0; i < 5; i++) await fx.engine.reserveSeats(eventId, users[0]!, [i]);
    const before = (await fx.engine.seatVersion(eventId))!;
    fx.clock.advance(1); // a Redis restart takes longer than a millisecond
    await deletePrefix(fx.redis, fx.prefix);
    expect(await rebuildActor(deps(), eventId)).toMatchObject({ ok: true, created: true });
    expect(await fx.engine.seatVersion(eventId)).toBeGreaterThan(before);
  });

  it('drops an actor only at the sales-stream id its caller read', async () => {
    const { eventId } = await seedEvent(db.pool, fx.engine);
    const head = await fx.engine.salesHead(eventId);
    expect(head).toBe('0-0');
    await buy(fx.engine, eventId, users[0]!, [3]);
    const moved = await fx.engine.dropActor(eventId, head);
    expect(moved).toMatchObject({ ok: false, code: 'sales_moved' });
    expect((await fx.engine.snapshotEvent(eventId)).ok).toBe(true);
    expect(await fx.engine.dropActor(eventId, await fx.engine.salesHead(eventId))).toMatchObject({ ok: true });
    expect((await fx.engine.snapshotEvent(eventId)).ok).toBe(false);
  });

  it('restores a cancelled event closed', async () => {
    const { eventId } = await seedEvent(db.pool, fx.engine);
    await db.pool.query(`UPDATE events SET state = 'cancelled' WHERE id = $1`, [eventId]);
    await fx.engine.dropActor(eventId, await fx.engine.salesHead(eventId));
    await rebuildActor(deps(), eventId);
    expect(await fx.engine.reserveSeats(eventId, users[0]!, [0])).toEqual({ ok: false, code: 'event_closed' });
  });
});

describe('reconcile', () => {
  it('finds no difference once the stream is drained, and explains each injected one', async () => {
    const { eventId } = await seedEvent(db.pool, fx.engine);
    await buy(fx.engine, eventId, users[0]!, [1, 2]);
    const early = await reconcileEvent(deps(), eventId);
    expect(early.ok && early.report).toMatchObject({ backlog: 1, onlyInRedis: [1, 2], consistent: false });
    await drain();
    const clean = await reconcileEvent(deps(), eventId);
    expect(clean.ok && clean.report).toEqual({
      eventId,
      backlog: 0,
      redisSold: 2,
      postgresSold: 2,
      onlyInRedis: [],
      onlyInPostgres: [],
      consistent: true,
      settled: true,
    });
    // Redis says seat 9 is sold; Postgres says seat 2 is not.
    await fx.redis.setrange(fx.engine.keys(eventId)!.seats, 9, '2');
    await db.pool.query(
      `UPDATE tickets SET status = 'refunded' WHERE seat_id = (SELECT id FROM seats WHERE event_id = $1 AND seat_index = 2)`,
      [eventId],
    );
    const broken = await reconcileEvent(deps(), eventId);
    expect(broken.ok && broken.report).toMatchObject({ onlyInRedis: [2, 9], onlyInPostgres: [], consistent: false });
  });

  /**
   * The engine as a comparison sees it when, between its read of the actor and its read of
   * Postgres (at the backlog read), a sale or refund is made and persisted: `moves` times.
   */
  function streamMovingUnder(moves: Array<(engine: typeof fx.engine) => Promise<unknown>>) {
    return new Proxy(fx.engine, {
      get(target, name, receiver) {
        if (name !== 'salesBacklog') return Reflect.get(target, name, receiver);
        return async (id: string) => {
          const move = moves.shift();
          if (move) {
            await move(target);
            await drain();
          }
          return target.salesBacklog(id);
        };
      },
    });
  }

  it('a refund made and persisted between its reads is no loss: the repair leaves the actor and its holds alone', async () => {
    const { eventId } = await seedEvent(db.pool, fx.engine);
    const order = await buy(fx.engine, eventId, users[0]!, [3]);
    await drain();
    await fx.engine.reserveSeats(eventId, users[1]!, [7]);
    // The actor read says seat 3 is sold, Postgres says it is not, and nothing is left to persist.
    const engine = streamMovingUnder([(e) => e.refundOrder(eventId, order)]);
    expect(await repairActor({ engine, pool: db.pool }, eventId)).toBe('consistent');
    // Had the first comparison been believed, a rebuild would have dropped the hold on seat 7.
    const snap = await fx.engine.snapshotEvent(eventId);
    expect(snap.ok && snap.states.slice(3, 8)).toBe('00001');
  });

  it('while sales keep moving the stream under every read, it says so, and the repair waits', async () => {
    const { eventId } = await seedEvent(db.pool, fx.engine);
    const sales = [11, 12, 13, 14, 15, 16].map((seat) => (e: typeof fx.engine) => buy(e, eventId, users[2]!, [seat]));
    const report = await reconcileEvent({ engine: streamMovingUnder(sales.slice(0, 3)), pool: db.pool }, eventId);
    expect(report.ok && report.report).toMatchObject({ backlog: 0, consistent: false, settled: false });
    expect(await repairActor({ engine: streamMovingUnder(sales.slice(3)), pool: db.pool }, eventId)).toBe('busy');
    const settled = await reconcileEvent(deps(), eventId);
    expect(settled.ok && settled.report).toMatchObject({ postgresSold: 6, consistent: true, settled: true });
  });
});
