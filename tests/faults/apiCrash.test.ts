import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import { SessionStore } from '../../src/services/sessions.js';
import { spawnApi, type ApiProcess } from '../support/apiProcess.js';
import { spawnedApiWorld } from '../support/spawnedApiWorld.js';
import { seedEvent, seedUsers } from '../support/world.js';

const BUYERS = 60;
const world = spawnedApiWorld();
const { redis, prefix } = world;

type Outcome = { status: number; orderId?: string } | { status: 'network_error' };

async function checkout(url: string, token: string, eventId: string, key: string): Promise<Outcome> {
  try {
    const res = await fetch(`${url}/api/checkout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify({ eventId, payment: { method: 'card', token: 'tok_visa' } }),
    });
    const body = (await res.json()) as { order?: { id: string } };
    return { status: res.status, orderId: body.order?.id };
  } catch {
    return { status: 'network_error' };
  }
}

describe('the API process killed with SIGKILL in the middle of checkouts', () => {
  it('after a restart, retries with the same keys give exactly one order per key, every 201 in Postgres', async () => {
    const { db } = world;
    const engine = createEngine({ redis, prefix });
    const { eventId, seatIds } = await seedEvent(db.pool, engine, { rows: 6, seatsPerRow: 10 });
    const userIds = await seedUsers(db.pool, BUYERS);
    const sessions = new SessionStore(redis, prefix);
    const tokens = await Promise.all(
      userIds.map((id) => sessions.create({ id, email: `${id}@x.test`, name: 'B', role: 'user' })),
    );
    const env = await world.env();

    // The first run dies at the first sale it takes, with every other checkout in flight.
    let api: ApiProcess = await spawnApi({ ...env, CHECKOUT_FAILPOINT: 'after_sale' });
    for (let i = 0; i < BUYERS; i++) {
      const res = await fetch(`${api.url}/api/seats/reserve`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens[i]}`, 'content-type': 'application/json' },
        body: JSON.stringify({ eventId, seatIds: [seatIds[i]] }),
      });
      expect(res.status).toBe(201);
    }

    // Every buyer checks out at once; the process dies while the requests are in flight.
    const keys = userIds.map(() => randomUUID());
    const before = await Promise.all(tokens.map((t, i) => checkout(api.url, t, eventId, keys[i]!)));
    expect(await api.exited).toBe('SIGKILL');
    expect(before.every((o) => o.status === 'network_error')).toBe(true);
    // the sales it took (the first, and any Redis ran before the process died) are answered to nobody
    expect((await engine.orders(eventId)).length).toBeGreaterThanOrEqual(1);

    api = await spawnApi(env);
    const final: Outcome[] = [...before];
    for (let round = 0; round < 60 && final.some((o) => o.status !== 201); round++) {
      await Promise.all(
        final.map(async (o, i) => {
          if (o.status !== 201) final[i] = await checkout(api.url, tokens[i]!, eventId, keys[i]!);
        }),
      );
      if (final.some((o) => o.status !== 201)) await new Promise((r) => setTimeout(r, 250));
    }
    api.child.kill('SIGTERM');
    await api.exited;

    expect(final.map((o) => o.status)).toEqual(Array(BUYERS).fill(201));
    const { rows } = await db.pool.query<{ id: string; user_id: string; idempotency_key: string }>(
      'SELECT id, user_id, idempotency_key FROM orders WHERE event_id = $1',
      [eventId],
    );
    expect(rows).toHaveLength(BUYERS);
    const byUser = new Map(rows.map((r) => [r.user_id, r]));
    userIds.forEach((userId, i) => {
      expect(byUser.get(userId)?.idempotency_key).toBe(keys[i]);
      expect(byUser.get(userId)?.id).toBe((final[i] as { orderId: string }).orderId);
    });
    // A 201 answered before the crash names the same order as the final answer.
    before.forEach((o, i) => {
      if (o.status === 201) expect(o.orderId).toBe((final[i] as { orderId: string }).orderId);
    });
    const sold = await db.pool.query(
      `SELECT count(*)::int AS n FROM tickets WHERE event_id = $1 AND status = 'valid'`,
      [eventId],
    );
    expect(sold.rows[0].n).toBe(BUYERS);
  }, 60_000);
});
