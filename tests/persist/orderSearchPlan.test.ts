import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderPageQuery, type OrderFilters } from '../../src/services/orderSearch.js';
import { freshDatabase, type TestDatabase } from '../support/postgres.js';

/**
 * The admin order search stays an index range read on a large table: for every way in,
 * the plan reads an orders index in page order, never scans the table nor sorts, and stops
 * after the page. ORDER_PLAN_ROWS=1000000 runs it at a million orders and prints the plans
 * (docs/admin-search.md shows such a run).
 */

const ROWS = Number(process.env.ORDER_PLAN_ROWS ?? 100_000);
const USERS = 1000;
const EVENTS = 50;
let db: TestDatabase;
let eventId: string;
let email: string;

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  'Actual Rows'?: number;
  Plans?: PlanNode[];
}
const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];

beforeAll(async () => {
  db = await freshDatabase();
  const q = (sql: string) => db.pool.query(sql);
  await q(
    `INSERT INTO venues (id, name, city, sections, capacity) VALUES ('00000000-0000-4000-8000-000000000001', 'V', 'C', '[]', 1)`,
  );
  await q(`INSERT INTO users (id, email, name, password_hash)
    SELECT ('00000000-0000-4000-a000-' || lpad(i::text, 12, '0'))::uuid, 'buyer' || i || '@example.test', 'B', 'x'
    FROM generate_series(1, ${USERS}) i`);
  await q(`INSERT INTO events (id, name, artist, venue_id, event_date, on_sale_date, prices)
    SELECT ('00000000-0000-4000-b000-' || lpad(i::text, 12, '0'))::uuid, 'E', 'A', '00000000-0000-4000-8000-000000000001',
      '2031-01-01', '2030-01-01', '{}'
    FROM generate_series(1, ${EVENTS}) i`);
  // a year of orders; one in fifty refunded
  await q(`INSERT INTO orders (id, user_id, event_id, status, total_cents, idempotency_key, payment_ref, stream_id, created_at)
    SELECT gen_random_uuid(),
      ('00000000-0000-4000-a000-' || lpad((1 + i % ${USERS})::text, 12, '0'))::uuid,
      ('00000000-0000-4000-b000-' || lpad((1 + i % ${EVENTS})::text, 12, '0'))::uuid,
      CASE WHEN i % 50 = 0 THEN 'refunded' ELSE 'completed' END, 5000, 'k' || i, 'p', i || '-0',
      timestamptz '2030-01-01' + (i::bigint * 31536 / ${ROWS}) * interval '1000 seconds'
    FROM generate_series(1, ${ROWS}) i`);
  await q('ANALYZE users, events, orders');
  eventId = '00000000-0000-4000-b000-000000000007';
  email = 'BUYER42@example.test';
}, 600_000);
afterAll(() => db.drop());

const cases: [string, () => Omit<OrderFilters, 'limit'>, string][] = [
  ['no filter', () => ({}), 'orders_created_idx'],
  ['email, any case', () => ({ email }), 'orders_user_idx'],
  ['event', () => ({ eventId }), 'orders_event_idx'],
  ['refunded', () => ({ status: 'refunded' }), 'orders_not_completed_idx'],
  ['completed', () => ({ status: 'completed' }), 'orders_created_idx'],
  ['a date range', () => ({ from: new Date('2030-03-01'), to: new Date('2030-04-01') }), 'orders_created_idx'],
  [
    'event and status and dates',
    () => ({ eventId, status: 'completed', from: new Date('2030-02-01'), to: new Date('2030-09-01') }),
    'orders_event_idx',
  ],
  ['email and dates', () => ({ email, from: new Date('2030-02-01'), to: new Date('2030-12-01') }), 'orders_user_idx'],
  [
    'a later page',
    () => ({ before: { createdAt: '2030-06-01T00:00:00.000000Z', id: 'ffffffff-ffff-4fff-bfff-ffffffffffff' } }),
    'orders_created_idx',
  ],
  [
    'a later page of one event',
    () => ({
      eventId,
      before: { createdAt: '2030-06-01T00:00:00.000000Z', id: 'ffffffff-ffff-4fff-bfff-ffffffffffff' },
    }),
    'orders_event_idx',
  ],
];

describe(`the admin order search plan on ${ROWS.toLocaleString('en')} orders`, () => {
  it.each(cases)('%s: an ordered index range read that stops at the page', async (_name, filters, index) => {
    const limit = 21;
    const query = orderPageQuery({ ...filters(), limit });
    const { rows } = await db.pool.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${query.text}`, query.values);
    const root = rows[0]['QUERY PLAN'][0];
    if (process.env.ORDER_PLAN_ROWS) {
      const text = await db.pool.query(`EXPLAIN (ANALYZE, COSTS OFF) ${query.text}`, query.values);
      console.info(`${_name}:\n${text.rows.map((r) => r['QUERY PLAN']).join('\n')}\n`);
    }
    const all = nodes(root.Plan as PlanNode);
    const types = all.map((n) => n['Node Type']);
    expect(types).not.toContain('Seq Scan');
    expect(types).not.toContain('Sort');
    expect(types).not.toContain('Bitmap Heap Scan');
    const scan = all.find((n) => n['Relation Name'] === 'orders');
    expect(scan?.['Node Type']).toMatch(/^Index (Only )?Scan$/);
    expect(scan?.['Index Name']).toBe(index);
    // the scan hands over no more than the page (plus rows a filter on a non-indexed column drops)
    expect(scan?.['Actual Rows']).toBeLessThanOrEqual(limit);
  });
});
