import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/infra/logger.js';
import { enqueue, findEntry } from '../../src/notify/outbox.js';
import { entryPayload } from '../../src/notify/outboxSql.js';
import { applyBatch } from '../../src/persist/applyBatch.js';
import { inTransaction } from '../../src/persist/db.js';
import { Persister } from '../../src/persist/persister.js';
import { markCancelled } from '../../src/persist/repositories/events.js';
import { parseSalesEntry, type RawEntry } from '../../src/engine/records.js';
import { findOrder } from '../../src/services/orders.js';
import { buy, engineWithDatabase, forgeSale, seedEvent, type EngineWithDatabase } from '../support/world.js';

let stack: EngineWithDatabase;
let persister: Persister;
beforeAll(async () => {
  stack = await engineWithDatabase(4);
  persister = new Persister({ redis: stack.fx.redis, pool: stack.db.pool, log: silentLogger, prefix: stack.fx.prefix });
});
afterAll(async () => {
  await stack.close();
});

const drainAll = async () => {
  while ((await persister.drainOnce()) > 0);
};

/** The entries about a subject, their payloads as the relay and the webhook sender read them. */
async function entriesAbout(subjectId: string) {
  const { rows } = await stack.db.pool.query<{
    type: string;
    payload: Record<string, unknown>;
    published_at: Date | null;
  }>(
    `SELECT type, ${entryPayload('outbox')} AS payload, published_at FROM outbox WHERE subject_id = $1 ORDER BY created_at`,
    [subjectId],
  );
  return rows;
}

async function entryIdAbout(subjectId: string): Promise<string> {
  const { rows } = await stack.db.pool.query<{ id: string }>('SELECT id FROM outbox WHERE subject_id = $1', [
    subjectId,
  ]);
  return rows[0]!.id;
}

async function salesEntries(eventId: string) {
  const key = stack.fx.engine.keys(eventId)!.sales;
  return ((await stack.fx.redis.xrange(key, '-', '+')) as RawEntry[]).map((r) => parseSalesEntry(key, r));
}

describe('outbox entries are written with the change they report', () => {
  it('a persisted sale announces order.completed once, with the order as the API shows it', async () => {
    const { eventId } = await seedEvent(stack.db.pool, stack.fx.engine);
    const orderId = await buy(stack.fx.engine, eventId, stack.users[0]!, [0, 1]);
    await drainAll();
    const order = await findOrder(stack.db.pool, orderId);
    expect(await entriesAbout(orderId)).toEqual([{ type: 'order.completed', payload: { order }, published_at: null }]);
    expect(await findEntry(stack.db.pool, await entryIdAbout(orderId))).toMatchObject({ payload: { order } });
    // The sale's transaction wrote a narrow row: the document is built as the entry is read.
    const stored = await stack.db.pool.query('SELECT payload FROM outbox WHERE subject_id = $1', [orderId]);
    expect(stored.rows).toEqual([{ payload: null }]);
    // Replaying the same stream entries changes nothing and announces nothing again.
    await applyBatch(stack.db.pool, await salesEntries(eventId));
    expect(await entriesAbout(orderId)).toHaveLength(1);
  });

  it('a batch rolled back announces nothing', async () => {
    const { eventId } = await seedEvent(stack.db.pool, stack.fx.engine);
    const orderId = await buy(stack.fx.engine, eventId, stack.users[1]!, [2]);
    await expect(
      applyBatch(stack.db.pool, await salesEntries(eventId), () => {
        throw new Error('crash before commit');
      }),
    ).rejects.toThrow('crash before commit');
    expect(await entriesAbout(orderId)).toEqual([]);
    expect((await stack.db.pool.query('SELECT 1 FROM orders WHERE id = $1', [orderId])).rowCount).toBe(0);
  });

  it('on the entry-by-entry path, the good sales are announced and the refused one is not', async () => {
    const { eventId } = await seedEvent(stack.db.pool, stack.fx.engine);
    const first = await buy(stack.fx.engine, eventId, stack.users[0]!, [3]);
    await drainAll();
    const forged = '00000000-0000-4000-8000-0000000000f1';
    await forgeSale(stack.fx, eventId, { orderId: forged, userId: stack.users[2]!, seat: 3 });
    const later = await buy(stack.fx.engine, eventId, stack.users[3]!, [5]);
    await drainAll();
    expect(await entriesAbout(forged)).toEqual([]);
    expect((await entriesAbout(later)).map((e) => e.type)).toEqual(['order.completed']);
    // Replayed whole, the refused sale sends the batch entry by entry again: nothing is announced twice.
    await applyBatch(stack.db.pool, await salesEntries(eventId));
    for (const orderId of [first, later]) expect(await entriesAbout(orderId)).toHaveLength(1);
    expect(await entriesAbout(forged)).toEqual([]);
  });

  it('a refund announces order.refunded with its reason, once', async () => {
    const { eventId } = await seedEvent(stack.db.pool, stack.fx.engine);
    const orderId = await buy(stack.fx.engine, eventId, stack.users[0]!, [6, 7]);
    expect((await stack.fx.engine.refundOrder(eventId, orderId, 'requested')).ok).toBe(true);
    await drainAll();
    await applyBatch(stack.db.pool, await salesEntries(eventId));
    const order = await findOrder(stack.db.pool, orderId);
    expect(order?.status).toBe('refunded');
    expect(await entriesAbout(orderId)).toEqual([
      { type: 'order.completed', payload: { order: { ...order, status: 'completed' } }, published_at: null },
      { type: 'order.refunded', payload: { order, reason: 'requested' }, published_at: null },
    ]);
  });

  it('cancelling an event announces event.cancelled once, however often it is repeated', async () => {
    const { eventId } = await seedEvent(stack.db.pool, stack.fx.engine);
    await markCancelled(stack.db.pool, eventId);
    await markCancelled(stack.db.pool, eventId);
    const entries = await entriesAbout(eventId);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      type: 'event.cancelled',
      payload: { event: { id: eventId, name: 'Test Event' } },
    });
  });

  it('enqueue commits and rolls back with the caller transaction', async () => {
    const ticket = '00000000-0000-4000-8000-0000000000a1';
    await expect(
      inTransaction(stack.db.pool, async (client) => {
        await enqueue(client, { type: 'ticket.checked_in', subjectId: ticket, payload: { ticket: { id: ticket } } });
        throw new Error('the check-in failed');
      }),
    ).rejects.toThrow('the check-in failed');
    expect(await entriesAbout(ticket)).toEqual([]);
    await inTransaction(stack.db.pool, (client) =>
      enqueue(client, { type: 'ticket.checked_in', subjectId: ticket, payload: { ticket: { id: ticket } } }),
    );
    expect((await entriesAbout(ticket)).map((e) => e.type)).toEqual(['ticket.checked_in']);
  });
});
