import type { Pool, PoolClient } from 'pg';
import { ANNOUNCE_COMPLETED_ORDERS, announceRefunded } from '../notify/outboxSql.js';
import { isDataError } from './db.js';
import type { SalesEntry } from '../engine/records.js';

type Sale = Extract<SalesEntry, { kind: 'sale' }>;
type Refund = Extract<SalesEntry, { kind: 'refund' }>;

export interface DeadEntry {
  entry: SalesEntry;
  reason: string;
  /** the sold-seat unique index refused it: an oversell caught by the last guard */
  oversell: boolean;
}

export interface BatchOutcome {
  /** committed, or already committed before (replays): acknowledge them */
  persisted: SalesEntry[];
  /** refused by the database: park them in the dead-letter stream */
  dead: DeadEntry[];
  /** a refund whose sale is not in Postgres yet: leave it pending, retry later */
  deferred: SalesEntry[];
  /** events that became sold out or stopped being so: cached status searches are stale */
  soldOutChanged: string[];
}

const ONE_VALID_TICKET_PER_SEAT = 'tickets_one_valid_per_seat';

/**
 * events.seats_sold follows the tickets written and refunded, in the same statement; the
 * events whose sold-out state flipped come back (RETURNING sees the new count).
 */
const COUNT_SOLD = (change: '+' | '-', rows: string) => `
  UPDATE events e SET seats_sold = e.seats_sold ${change} c.n
  FROM (SELECT event_id, count(*)::int AS n FROM ${rows} GROUP BY event_id) c WHERE e.id = c.event_id
  RETURNING e.id AS event_id, (e.seats_sold >= e.seats_total) <> (e.seats_sold ${change === '+' ? '-' : '+'} c.n >= e.seats_total) AS flipped`;

/**
 * A run of sales in one statement: their orders, then their tickets, then the seat counts;
 * announced, an order.completed entry for each new order too (ANNOUNCE_COMPLETED_ORDERS).
 * A replayed sale inserts neither order nor tickets, so it counts and announces nothing again.
 */
const insertSalesStatement = (announce: boolean) => `
  WITH new_orders AS (
    INSERT INTO orders (id, user_id, event_id, status, total_cents, idempotency_key, payment_ref, stream_id, created_at)
    SELECT id, user_id, event_id, 'completed', total_cents, idempotency_key, payment_ref, stream_id, to_timestamp(at_ms / 1000.0)
    FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::int[], $5::text[], $6::text[], $7::text[], $8::float8[])
      AS u(id, user_id, event_id, total_cents, idempotency_key, payment_ref, stream_id, at_ms)
    ON CONFLICT (id) DO NOTHING
    RETURNING id, user_id, event_id, status, total_cents, currency, created_at
  ), inserted AS (
    INSERT INTO tickets (order_id, event_id, seat_id, price_cents, holder_id)
    SELECT u.order_id, u.event_id, s.id, u.price_cents, u.holder_id
    FROM unnest($9::uuid[], $10::uuid[], $11::int[], $12::int[], $13::uuid[]) AS u(order_id, event_id, seat_index, price_cents, holder_id)
    JOIN seats s ON s.event_id = u.event_id AND s.seat_index = u.seat_index
    ON CONFLICT (order_id, seat_id) DO NOTHING
    RETURNING order_id, event_id, seat_id, price_cents
  ), ${announce ? `${ANNOUNCE_COMPLETED_ORDERS}, ` : ''}counted AS (${COUNT_SOLD('+', 'inserted')}
  )
  SELECT event_id, flipped FROM counted`;
const INSERT_SALES = insertSalesStatement(false);
const INSERT_SALES_ANNOUNCED = insertSalesStatement(true);

/** $1 order, $2 time (ms); announced: $3 the reason, and an order.refunded entry when it changed the order. */
const refundStatement = (announce: boolean) => `
  WITH refunded AS (
    UPDATE orders SET status = 'refunded', refunded_at = to_timestamp($2 / 1000.0)
    WHERE id = $1 AND status = 'completed' RETURNING *
  ), tickets_refunded AS (
    -- checked-in tickets too (they keep checked_in_at): see docs/tickets.md
    UPDATE tickets SET status = 'refunded' WHERE order_id IN (SELECT id FROM refunded) AND status <> 'refunded'
    RETURNING event_id
  ), counted AS (${COUNT_SOLD('-', 'tickets_refunded')}
  )${announce ? `, announced AS (${announceRefunded('$3')})` : ''}
  SELECT EXISTS (SELECT 1 FROM orders WHERE id = $1) AS known,
    coalesce((SELECT array_agg(event_id) FROM counted WHERE flipped), '{}') AS flipped`;
const REFUND = refundStatement(false);
const REFUND_ANNOUNCED = refundStatement(true);

export interface ApplyOptions {
  /** write outbox entries for what the batch changed (off only to measure their cost) */
  announce?: boolean;
}

/** What the statements of one batch share: whether to announce, and the events whose sold-out state flipped. */
interface BatchContext {
  announce: boolean;
  flipped: Set<string>;
}

async function insertSales(client: PoolClient, sales: Sale[], ctx: BatchContext): Promise<void> {
  if (sales.length === 0) return;
  const lines = sales.flatMap((s) => s.seats.map((seat, i) => ({ s, seat, price: s.pricesCents[i]! })));
  const counted = await client.query<{ event_id: string; flipped: boolean }>(
    ctx.announce ? INSERT_SALES_ANNOUNCED : INSERT_SALES,
    [
      sales.map((s) => s.orderId),
      sales.map((s) => s.userId),
      sales.map((s) => s.eventId),
      sales.map((s) => s.pricesCents.reduce((a, b) => a + b, 0)),
      sales.map((s) => s.idempotencyKey),
      sales.map((s) => s.paymentRef),
      sales.map((s) => s.streamId),
      sales.map((s) => s.atMs),
      lines.map((l) => l.s.orderId),
      lines.map((l) => l.s.eventId),
      lines.map((l) => l.seat),
      lines.map((l) => l.price),
      lines.map((l) => l.s.userId),
    ],
  );
  for (const row of counted.rows) if (row.flipped) ctx.flipped.add(row.event_id);
}

/**
 * Applies entries in stream order: runs of sales in bulk, refunds one by one. Returns the
 * deferred refunds; adds events whose sold-out state flipped to `ctx.flipped`.
 */
async function applyInOrder(client: PoolClient, entries: SalesEntry[], ctx: BatchContext): Promise<Refund[]> {
  const deferred: Refund[] = [];
  let run: Sale[] = [];
  for (const entry of entries) {
    if (entry.kind === 'sale') {
      run.push(entry);
    } else if (entry.kind === 'refund') {
      await insertSales(client, run, ctx);
      run = [];
      const { rows } = await client.query<{ known: boolean; flipped: string[] }>(
        ctx.announce ? REFUND_ANNOUNCED : REFUND,
        ctx.announce ? [entry.orderId, entry.atMs, entry.reason] : [entry.orderId, entry.atMs],
      );
      if (!rows[0]?.known) deferred.push(entry);
      for (const eventId of rows[0]?.flipped ?? []) ctx.flipped.add(eventId);
    }
  }
  await insertSales(client, run, ctx);
  return deferred;
}

function deadReason(err: { constraint?: string; message: string }): DeadEntry['reason'] {
  return err.constraint ?? err.message;
}

/**
 * Writes one batch of sales-stream entries to Postgres, with the outbox entries announcing
 * them (in the same transaction, on both paths). Fast path: one transaction for the
 * whole batch. If the database refuses some entry's data, the batch is replayed entry by
 * entry (a savepoint each) so that only the offenders are set aside. Errors that are not
 * about the data (Postgres down) are thrown: nothing is acknowledged, the caller retries.
 */
export async function applyBatch(
  pool: Pool,
  entries: SalesEntry[],
  beforeCommit: () => void = () => {},
  options: ApplyOptions = {},
): Promise<BatchOutcome> {
  const malformed: DeadEntry[] = entries
    .filter((e) => e.kind === 'malformed')
    .map((entry) => ({ entry, reason: entry.kind === 'malformed' ? entry.reason : '', oversell: false }));
  const valid = entries.filter((e) => e.kind !== 'malformed');
  const client = await pool.connect();
  let broken = false;
  // a superset after a partial replay (a rolled-back entry's flip stays): it only costs a cache miss
  const ctx: BatchContext = { announce: options.announce ?? true, flipped: new Set() };
  try {
    try {
      await client.query('BEGIN');
      const deferred = await applyInOrder(client, valid, ctx);
      beforeCommit();
      await client.query('COMMIT');
      return {
        persisted: valid.filter((e) => !deferred.includes(e as Refund)),
        dead: malformed,
        deferred,
        soldOutChanged: [...ctx.flipped],
      };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      if (!isDataError(err)) throw err;
    }
    const outcome: BatchOutcome = { persisted: [], dead: malformed, deferred: [], soldOutChanged: [] };
    await client.query('BEGIN');
    for (const entry of valid) {
      await client.query('SAVEPOINT entry');
      try {
        const deferred = await applyInOrder(client, [entry], ctx);
        await client.query('RELEASE SAVEPOINT entry');
        (deferred.length > 0 ? outcome.deferred : outcome.persisted).push(entry);
      } catch (err) {
        if (!isDataError(err)) throw err;
        await client.query('ROLLBACK TO SAVEPOINT entry');
        const reason = deadReason(err);
        outcome.dead.push({ entry, reason, oversell: reason === ONE_VALID_TICKET_PER_SEAT });
      }
    }
    beforeCommit();
    await client.query('COMMIT');
    return { ...outcome, soldOutChanged: [...ctx.flipped] };
  } catch (err) {
    broken = true;
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release(broken);
  }
}
