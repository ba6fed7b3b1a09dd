import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/infra/logger.js';
import { applyBatch } from '../../src/persist/applyBatch.js';
import { migrate, readMigrations } from '../../src/persist/migrate.js';
import { Persister } from '../../src/persist/persister.js';
import { soldSeatIndices } from '../../src/persist/repositories/soldSeats.js';
import { parseSalesEntry, type RawEntry } from '../../src/engine/records.js';
import type { EngineFixture } from '../support/engine.js';
import type { TestDatabase } from '../support/postgres.js';
import { buy, engineWithDatabase, forgeSale, seedEvent, type EngineWithDatabase } from '../support/world.js';

let stack: EngineWithDatabase;
let fx: EngineFixture;
let db: TestDatabase;
let persister: Persister;
let users: string[];
beforeAll(async () => {
  stack = await engineWithDatabase(5);
  ({ fx, db, users } = stack);
  persister = new Persister({ redis: fx.redis, pool: db.pool, log: silentLogger, prefix: fx.prefix, pollMs: 20 });
});
afterAll(async () => {
  await persister.stop();
  await stack.close();
});

const validTickets = (eventId: string) => soldSeatIndices(db.pool, eventId);

async function drainAll(): Promise<void> {
  while ((await persister.drainOnce()) > 0);
}

describe('migrations', () => {
  it('are recorded in the ledger and applied once, also when two run at once', async () => {
    expect(await Promise.all([migrate(db.pool), migrate(db.pool)])).toEqual([[], []]);
    const { rows } = await db.pool.query('SELECT version, name FROM schema_migrations ORDER BY version');
    expect(rows.slice(0, 4)).toEqual([
      { version: 1, name: '001_schema.sql' },
      { version: 2, name: '002_queue_settings.sql' },
      { version: 3, name: '003_tickets.sql' },
      { version: 4, name: '004_outbox.sql' },
    ]);
    expect(rows).toEqual(readMigrations().map((m) => ({ version: m.version, name: m.name })));
  });
});

describe('persister', () => {
  it('writes each sale as an order with its tickets, and acknowledges it', async () => {
    const { eventId } = await seedEvent(db.pool, fx.engine);
    const order = await buy(fx.engine, eventId, users[0]!, [0, 1, 2]);
    await drainAll();
    const { rows } = await db.pool.query('SELECT user_id, event_id, status, total_cents FROM orders WHERE id = $1', [
      order,
    ]);
    expect(rows).toEqual([{ user_id: users[0], event_id: eventId, status: 'completed', total_cents: 15_000 }]);
    expect(await validTickets(eventId)).toEqual([0, 1, 2]);
    const pending = (await fx.redis.xpending(fx.engine.keys(eventId)!.sales, 'persister')) as [number];
    expect(pending[0]).toBe(0);
  });

  it('treats a replayed entry as a no-op', async () => {
    const { eventId } = await seedEvent(db.pool, fx.engine);
    await buy(fx.engine, eventId, users[1]!, [4]);
    const key = fx.engine.keys(eventId)!.sales;
    const entries = ((await fx.redis.xrange(key, '-', '+')) as RawEntry[]).map((r) => parseSalesEntry(key, r));
    const first = await applyBatch(db.pool, entries);
    const second = await applyBatch(db.pool, entries);
    expect(first.persisted).toHaveLength(1);
    expect(second).toEqual({ persisted: entries, dead: [], deferred: [], soldOutChanged: [] });
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM tickets WHERE event_id = $1', [eventId]);
    expect(rows[0].n).toBe(1);
    // the sold counter of the status filters counted the sale once, too
    const counted = await db.pool.query('SELECT seats_sold FROM events WHERE id = $1', [eventId]);
    expect(counted.rows[0].seats_sold).toBe(1);
  });

  it('applies refunds in stream order, so a refunded seat can be sold and persisted again', async () => {
    const { eventId } = await seedEvent(db.pool, fx.engine);
    const first = await buy(fx.engine, eventId, users[0]!, [7]);
    expect((await fx.engine.refundOrder(eventId, first)).ok).toBe(true);
    const second = await buy(fx.engine, eventId, users[1]!, [7]);
    await drainAll();
    const { rows } = await db.pool.query(
      'SELECT id, status FROM orders WHERE event_id = $1 ORDER BY created_at, status',
      [eventId],
    );
    expect(new Map(rows.map((r) => [r.id, r.status]))).toEqual(
      new Map([
        [first, 'refunded'],
        [second, 'completed'],
      ]),
    );
    expect(await validTickets(eventId)).toEqual([7]);
  });

  it('dead-letters a conflicting sale as a prevented oversell and keeps going', async () => {
    const { eventId } = await seedEvent(db.pool, fx.engine);
    await buy(fx.engine, eventId, users[0]!, [3]);
    await drainAll();
    // A forged sale of seat 3, already sold: only Postgres's unique index can stop it now.
    const forged = '00000000-0000-4000-8000-0000000000f0';
    await forgeSale(fx, eventId, { orderId: forged, userId: users[2]!, seat: 3 });
    const later = await buy(fx.engine, eventId, users[3]!, [5]);
    const before = persister.stats.oversellsPrevented;
    await drainAll();
    expect(persister.stats.oversellsPrevented).toBe(before + 1);
    const dead = await fx.redis.xrange(fx.engine.keys(eventId)!.deadLetter, '-', '+');
    expect(dead).toHaveLength(1);
    expect(dead[0]![1].slice(2, 4)).toEqual(['reason', 'tickets_one_valid_per_seat']);
    expect((await db.pool.query('SELECT 1 FROM orders WHERE id = $1', [forged])).rowCount).toBe(0);
    expect((await db.pool.query('SELECT 1 FROM orders WHERE id = $1', [later])).rowCount).toBe(1);
    expect(await validTickets(eventId)).toEqual([3, 5]);
  });

  it('running, it persists within a batch of being woken and announces the persisted orders', async () => {
    const { eventId } = await seedEvent(db.pool, fx.engine);
    const listener = fx.redis.duplicate();
    const announced: string[] = [];
    listener.on('message', (_c, message: string) => announced.push(...message.split(' ')));
    await listener.subscribe(`${fx.prefix}persisted`);
    await persister.start();
    const orders = await Promise.all(users.slice(0, 4).map((u, i) => buy(fx.engine, eventId, u, [10 + i])));
    await expect.poll(() => validTickets(eventId), { timeout: 10_000 }).toEqual([10, 11, 12, 13]);
    await expect.poll(() => orders.every((o) => announced.includes(o)), { timeout: 5_000 }).toBe(true);
    listener.disconnect();
  });
});
