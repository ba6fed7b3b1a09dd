import { randomBytes, randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { inTransaction } from '../persist/db.js';
import { entryPayload } from './outboxSql.js';
import type { NotificationType, OutboxEntry } from './types.js';

/** Webhook subscriptions and their delivery log, in Postgres. */

export interface WebhookView {
  id: string;
  url: string;
  events: NotificationType[];
  createdAt: string;
}

export interface DeliveryView {
  id: string;
  entryId: string;
  type: NotificationType;
  attempts: number;
  status: 'pending' | 'succeeded' | 'failed';
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
}

/** A fresh signing secret: 24 random bytes, base64, with the Standard Webhooks prefix. */
export const newSecret = () => `whsec_${randomBytes(24).toString('base64')}`;

interface WebhookRow {
  id: string;
  url: string;
  events: NotificationType[];
  created_at: Date;
}
const toWebhook = (r: WebhookRow): WebhookView => ({
  id: r.id,
  url: r.url,
  events: r.events,
  createdAt: r.created_at.toISOString(),
});

export async function insertWebhook(
  pool: Pool,
  hook: { url: string; events: NotificationType[] },
): Promise<WebhookView & { secret: string }> {
  const secret = newSecret();
  const { rows } = await pool.query<WebhookRow>(
    'INSERT INTO webhooks (id, url, events, secret) VALUES ($1, $2, $3, $4) RETURNING id, url, events, created_at',
    [randomUUID(), hook.url, hook.events, secret],
  );
  return { ...toWebhook(rows[0]!), secret };
}

export async function listWebhooks(pool: Pool): Promise<WebhookView[]> {
  const { rows } = await pool.query<WebhookRow>(
    'SELECT id, url, events, created_at FROM webhooks WHERE deleted_at IS NULL ORDER BY created_at, id',
  );
  return rows.map(toWebhook);
}

export async function webhookExists(pool: Pool, id: string): Promise<boolean> {
  return ((await pool.query('SELECT 1 FROM webhooks WHERE id = $1 AND deleted_at IS NULL', [id])).rowCount ?? 0) > 0;
}

/** Removes the subscription (kept for its delivery log); its pending deliveries stop. Returns false if unknown. */
export async function deleteWebhook(pool: Pool, id: string): Promise<boolean> {
  return inTransaction(pool, async (client) => {
    const gone = await client.query('UPDATE webhooks SET deleted_at = now() WHERE id = $1 AND deleted_at IS NULL', [
      id,
    ]);
    if (gone.rowCount === 0) return false;
    await client.query(
      `UPDATE webhook_deliveries SET status = 'failed', last_error = 'webhook deleted', next_attempt_at = NULL, updated_at = now()
       WHERE webhook_id = $1 AND status = 'pending'`,
      [id],
    );
    return true;
  });
}

interface DeliveryRow {
  id: string;
  entry_id: string;
  type: NotificationType;
  attempts: number;
  status: DeliveryView['status'];
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: Date | null;
  created_at: Date;
}

export async function listDeliveries(pool: Pool, webhookId: string, limit = 100): Promise<DeliveryView[]> {
  const { rows } = await pool.query<DeliveryRow>(
    `SELECT id, entry_id, type, attempts, status, last_status_code, last_error, next_attempt_at, created_at
     FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY created_at DESC, id LIMIT $2`,
    [webhookId, limit],
  );
  return rows.map((r) => ({
    id: r.id,
    entryId: r.entry_id,
    type: r.type,
    attempts: r.attempts,
    status: r.status,
    lastStatusCode: r.last_status_code,
    lastError: r.last_error,
    nextAttemptAt: r.next_attempt_at?.toISOString() ?? null,
    createdAt: r.created_at.toISOString(),
  }));
}

/**
 * One delivery per subscribed webhook for this entry, due now, retried until `retryForMs`
 * from now. Idempotent: an entry delivered twice to this consumer adds nothing.
 */
export async function fanOut(pool: Pool, entry: OutboxEntry, nowMs: number, retryForMs: number): Promise<number> {
  const { rowCount } = await pool.query(
    `INSERT INTO webhook_deliveries (id, webhook_id, entry_id, type, next_attempt_at, give_up_at, created_at, updated_at)
     SELECT gen_random_uuid(), w.id, $1, $2, $3, $4, $3, $3 FROM webhooks w
     WHERE w.deleted_at IS NULL AND $2 = ANY (w.events)
     ON CONFLICT (webhook_id, entry_id) DO NOTHING`,
    [entry.id, entry.type, new Date(nowMs), new Date(nowMs + retryForMs)],
  );
  return rowCount ?? 0;
}

export interface DueDelivery {
  id: string;
  attempts: number;
  giveUpAt: Date;
  url: string;
  secret: string;
  entry: OutboxEntry;
}

/**
 * Takes up to `limit` deliveries that are due, and leases them (their next attempt moves to
 * `leaseUntilMs`), in one statement: another worker will not take them meanwhile, and if
 * this one dies they fall due again when the lease ends.
 */
export async function claimDue(pool: Pool, nowMs: number, leaseUntilMs: number, limit: number): Promise<DueDelivery[]> {
  const { rows } = await pool.query<{
    id: string;
    attempts: number;
    give_up_at: Date;
    url: string;
    secret: string;
    entry_id: string;
    type: NotificationType;
    subject_id: string;
    payload: Record<string, unknown>;
    entry_created_at: Date;
  }>(
    `WITH due AS (
       SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= $1
       ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED
     )
     UPDATE webhook_deliveries d SET next_attempt_at = $2
     FROM due, webhooks w, outbox o
     WHERE d.id = due.id AND w.id = d.webhook_id AND o.id = d.entry_id
     RETURNING d.id, d.attempts, d.give_up_at, w.url, w.secret, o.id AS entry_id, o.type, o.subject_id,
       ${entryPayload('o')} AS payload,
       o.created_at AS entry_created_at`,
    [new Date(nowMs), new Date(leaseUntilMs), limit],
  );
  return rows.map((r) => ({
    id: r.id,
    attempts: r.attempts,
    giveUpAt: r.give_up_at,
    url: r.url,
    secret: r.secret,
    entry: { id: r.entry_id, type: r.type, subjectId: r.subject_id, payload: r.payload, createdAt: r.entry_created_at },
  }));
}

export async function recordAttempt(
  pool: Pool,
  id: string,
  outcome: {
    status: DeliveryView['status'];
    statusCode: number | null;
    error: string | null;
    nextAttemptAtMs: number | null;
    nowMs: number;
  },
): Promise<void> {
  await pool.query(
    `UPDATE webhook_deliveries SET attempts = attempts + 1, status = $2, last_status_code = $3, last_error = $4,
       next_attempt_at = $5, updated_at = $6 WHERE id = $1`,
    [
      id,
      outcome.status,
      outcome.statusCode,
      outcome.error,
      outcome.nextAttemptAtMs === null ? null : new Date(outcome.nextAttemptAtMs),
      new Date(outcome.nowMs),
    ],
  );
}

export interface WebhookHealth {
  id: string;
  url: string;
  pending: number;
  failed: number;
  /** pending deliveries whose last attempt failed: the receiver is failing now */
  retrying: number;
  lastError: string | null;
}

/** Per live webhook: deliveries pending, retrying and given up, and the last error seen. */
export async function webhookHealth(pool: Pool): Promise<WebhookHealth[]> {
  const { rows } = await pool.query<WebhookHealth>(
    `SELECT w.id, w.url,
       count(*) FILTER (WHERE d.status = 'pending')::int AS pending,
       count(*) FILTER (WHERE d.status = 'failed')::int AS failed,
       count(*) FILTER (WHERE d.status = 'pending' AND d.attempts > 0)::int AS retrying,
       (SELECT last_error FROM webhook_deliveries x WHERE x.webhook_id = w.id AND x.last_error IS NOT NULL
        ORDER BY x.updated_at DESC LIMIT 1) AS "lastError"
     FROM webhooks w LEFT JOIN webhook_deliveries d ON d.webhook_id = w.id
     WHERE w.deleted_at IS NULL GROUP BY w.id ORDER BY w.created_at, w.id`,
  );
  return rows;
}
