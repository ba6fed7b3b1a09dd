/**
 * The two baselines the HTTP figures are compared with, served the same way as the API
 * (Hono on @hono/node-server, one process):
 *   bare     GET /ping: a bare Hono JSON endpoint, the ceiling of the HTTP stack;
 *   evalsha  GET /evalsha: the same endpoint after one ioredis EVALSHA of `return 1`, the
 *            ceiling of any endpoint that makes one script call;
 *   pglock   POST /reserve: the database-only design, seats locked with SELECT ... FOR UPDATE.
 * Usage: tsx bench/baselines.ts bare|evalsha|pglock   (evalsha reads REDIS_URL, pglock DATABASE_URL)
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { Redis } from 'ioredis';
import { createPool } from '../src/persist/db.js';

const mode = process.argv[2];
const app = new Hono();

if (mode === 'bare') {
  app.get('/ping', (c) => c.json({ ok: true }));
} else if (mode === 'evalsha') {
  const redis = new Redis(process.env.REDIS_URL!);
  const sha = (await redis.script('LOAD', 'return 1')) as string;
  app.get('/evalsha', async (c) => c.json({ ok: (await redis.evalsha(sha, 0)) === 1 }));
} else if (mode === 'pglock') {
  const pool = createPool(process.env.DATABASE_URL!, 20);
  const HOLD_MS = 600_000;
  app.post('/reserve', async (c) => {
    const { userId, seats } = await c.req.json<{ userId: string; seats: number[] }>();
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ seat_index: number; free: boolean }>(
        `SELECT seat_index, (status = 'available' OR held_until < now()) AS free
         FROM lock_seats WHERE seat_index = ANY($1) ORDER BY seat_index FOR UPDATE`,
        [seats],
      );
      if (rows.length !== seats.length || rows.some((r) => !r.free)) {
        await client.query('ROLLBACK');
        return c.json({ code: 'seats_unavailable' }, 409);
      }
      await client.query(
        `UPDATE lock_seats SET status = 'held', holder = $2, held_until = now() + $3 * interval '1 millisecond'
         WHERE seat_index = ANY($1)`,
        [seats, userId, HOLD_MS],
      );
      await client.query('COMMIT');
      return c.json({ hold: { seats } }, 201);
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  });
} else {
  console.error('usage: tsx bench/baselines.ts bare|evalsha|pglock');
  process.exit(2);
}

const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  console.log(`${mode} baseline listening on http://127.0.0.1:${info.port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
