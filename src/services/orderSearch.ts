import type { Pool } from 'pg';
import { ORDER_SELECT, toView, type OrderRow, type OrderView } from './orders.js';

export interface OrderFilters {
  /** the buyer's email, any case */
  email?: string | undefined;
  eventId?: string | undefined;
  status?: OrderView['status'] | undefined;
  /** created at or after */
  from?: Date | undefined;
  /** created at or before */
  to?: Date | undefined;
  /** keyset: only orders older than this (created_at as exact text, id) */
  before?: OrderCursor | undefined;
  limit: number;
}

export interface OrderCursor {
  /** created_at to the microsecond, UTC, e.g. 2030-01-01T10:00:00.123456Z */
  createdAt: string;
  id: string;
}

const CURSOR =
  /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)\|([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export const encodeOrderCursor = (c: OrderCursor) => Buffer.from(`${c.createdAt}|${c.id}`).toString('base64url');

/** The cursor a page handed out, or undefined when it is not one. */
export function decodeOrderCursor(cursor: string): OrderCursor | undefined {
  const match = CURSOR.exec(Buffer.from(cursor, 'base64url').toString());
  return match ? { createdAt: match[1]!, id: match[2]! } : undefined;
}

/**
 * The page's ids, newest first, as one parameterized statement. Every filter is a range of
 * one of the orders indexes (migration 005), each ending in (created_at DESC, id DESC): the
 * rows come out of the index in page order and the scan stops at the LIMIT, whatever the
 * table's size. The email becomes the buyer's id through the unique index on lower(email).
 * Exported so a test can EXPLAIN exactly what runs.
 */
export function orderPageQuery(f: OrderFilters): { text: string; values: unknown[] } {
  const where: string[] = [];
  const values: unknown[] = [];
  const param = (value: unknown) => `$${values.push(value)}`;
  if (f.email) where.push(`o.user_id = (SELECT id FROM users WHERE lower(email) = lower(${param(f.email)}))`);
  if (f.eventId) where.push(`o.event_id = ${param(f.eventId)}`);
  if (f.status) where.push(`o.status = ${param(f.status)}`);
  if (f.from) where.push(`o.created_at >= ${param(f.from)}`);
  if (f.to) where.push(`o.created_at <= ${param(f.to)}`);
  if (f.before)
    where.push(`(o.created_at, o.id) < (${param(f.before.createdAt)}::timestamptz, ${param(f.before.id)}::uuid)`);
  return {
    text: `SELECT o.id, to_char(o.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_at_exact
      FROM orders o ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY o.created_at DESC, o.id DESC LIMIT ${param(f.limit)}`,
    values,
  };
}

/** One page of every buyer's orders, newest first, and the cursor of the next page (null at the end). */
export async function searchOrders(
  pool: Pool,
  f: OrderFilters,
): Promise<{ orders: OrderView[]; nextCursor: string | null }> {
  const page = orderPageQuery({ ...f, limit: f.limit + 1 });
  const { rows: ids } = await pool.query<{ id: string; created_at_exact: string }>(page.text, page.values);
  const shown = ids.slice(0, f.limit);
  if (shown.length === 0) return { orders: [], nextCursor: null };
  const { rows } = await pool.query<OrderRow>(
    `${ORDER_SELECT} WHERE o.id = ANY($1::uuid[]) GROUP BY o.id ORDER BY o.created_at DESC, o.id DESC`,
    [shown.map((r) => r.id)],
  );
  const last = shown[shown.length - 1]!;
  return {
    orders: rows.map(toView),
    nextCursor: ids.length > f.limit ? encodeOrderCursor({ createdAt: last.created_at_exact, id: last.id }) : null,
  };
}
