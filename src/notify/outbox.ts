import { randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { inTransaction } from '../persist/db.js';
import { entryPayload } from './outboxSql.js';
import type { NotificationType, OutboxEntry } from './types.js';

/**
 * Writes one outbox entry on the caller's transaction (`client` inside BEGIN/COMMIT), so
 * the entry commits or rolls back with the change it reports. For changes made outside
 * the persister (ticket transfers and check-ins). Returns the entry's id.
 */
export async function enqueue(
  client: PoolClient | Pool,
  entry: { type: NotificationType; subjectId: string; payload: Record<string, unknown> },
): Promise<string> {
  const id = randomUUID();
  await client.query('INSERT INTO outbox (id, type, subject_id, payload) VALUES ($1, $2, $3, $4)', [
    id,
    entry.type,
    entry.subjectId,
    JSON.stringify(entry.payload),
  ]);
  return id;
}

interface EntryRow {
  id: string;
  type: OutboxEntry['type'];
  subject_id: string;
  payload: Record<string, unknown>;
  created_at: Date;
}

export const toEntry = (r: EntryRow): OutboxEntry => ({
  id: r.id,
  type: r.type,
  subjectId: r.subject_id,
  payload: r.payload,
  createdAt: r.created_at,
});

/**
 * Locks up to `limit` unpublished entries, oldest first, on the caller's transaction. Other
 * relays skip them (SKIP LOCKED), so any number may run. NO KEY UPDATE, not UPDATE: the
 * consumers' rows reference the entry (a key-share lock) while the relay still holds it.
 */
export async function lockUnpublished(client: PoolClient, limit: number): Promise<OutboxEntry[]> {
  const { rows } = await client.query<EntryRow>(
    `SELECT id, type, subject_id, ${entryPayload('outbox')} AS payload, created_at FROM outbox WHERE published_at IS NULL
     ORDER BY created_at, id LIMIT $1 FOR NO KEY UPDATE SKIP LOCKED`,
    [limit],
  );
  return rows.map(toEntry);
}

export async function markPublished(client: PoolClient, ids: string[]): Promise<void> {
  await client.query('UPDATE outbox SET published_at = clock_timestamp() WHERE id = ANY($1::uuid[])', [ids]);
}

export async function findEntry(pool: Pool, id: string): Promise<OutboxEntry | undefined> {
  const { rows } = await pool.query<EntryRow>(
    `SELECT id, type, subject_id, ${entryPayload('outbox')} AS payload, created_at FROM outbox WHERE id = $1`,
    [id],
  );
  return rows[0] && toEntry(rows[0]);
}

export interface OutboxBacklog {
  /** entries not yet published */
  entries: number;
  /** age of the oldest of them, seconds (0 when none) */
  oldestAgeSeconds: number;
}

export async function outboxBacklog(pool: Pool, nowMs: number = Date.now()): Promise<OutboxBacklog> {
  const { rows } = await pool.query<{ n: number; oldest: Date | null }>(
    'SELECT count(*)::int AS n, min(created_at) AS oldest FROM outbox WHERE published_at IS NULL',
  );
  const oldest = rows[0]?.oldest;
  return { entries: rows[0]?.n ?? 0, oldestAgeSeconds: oldest ? Math.max(0, (nowMs - oldest.getTime()) / 1000) : 0 };
}

/**
 * Runs `work` for an entry at most once per consumer: the mark is taken in a transaction
 * that commits only if `work` succeeds, so a redelivered entry (at least once) is skipped
 * and a failed one is tried again. Returns false when the entry was handled before.
 */
export async function once(pool: Pool, consumer: string, entryId: string, work: () => Promise<void>): Promise<boolean> {
  return inTransaction(pool, async (client) => {
    const { rowCount } = await client.query(
      'INSERT INTO outbox_consumed (consumer, entry_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
      [consumer, entryId],
    );
    if (rowCount === 0) return false;
    await work();
    return true;
  });
}
