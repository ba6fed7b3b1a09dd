import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil } from '../../scripts/cluster/processes.js';
import { startLocalStack, type LocalStack } from '../../scripts/cluster/localStack.js';
import { createEngine, type Engine } from '../../src/engine/engine.js';
import { SessionStore } from '../../src/services/sessions.js';
import { createRedisClient, type RedisClient } from '../../src/infra/redisClient.js';
import { freshDatabase, type TestDatabase } from '../support/postgres.js';
import { LiveSeatMap, SseClient } from '../support/sseClient.js';
import { seedEvent, seedUsers } from '../support/world.js';

/**
 * The scale-out shape for real: a Redis Cluster of 3 masters and 3 replicas, 3 API
 * processes, nginx in front; buyers go through nginx only.
 */
const BUYERS = 300;
const SEATS = 50;
const run = promisify(execFile);

let dir: string;
let db: TestDatabase;
let stack: LocalStack;
let redis: RedisClient;
let engine: Engine;
let sessions: SessionStore;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tk-cluster-'));
  db = await freshDatabase();
  stack = await startLocalStack({ dir, databaseUrl: db.url, apis: 3, env: { RATE_LIMITS: 'off' } });
  redis = createRedisClient({ clusterNodes: stack.redis.spec });
  engine = createEngine({ redis, prefix: 'tk:' });
  sessions = new SessionStore(redis, 'tk:');
}, 300_000);

afterAll(async () => {
  redis?.disconnect();
  await stack?.stop();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
}, 120_000);

async function buyers(count: number): Promise<string[]> {
  const ids = await seedUsers(db.pool, count);
  return Promise.all(
    ids.map((id) => sessions.create({ id, email: `buyer-${id}@example.test`, name: 'Buyer', role: 'user' })),
  );
}

function call(method: string, path: string, token: string, body?: unknown, headers: Record<string, string> = {}) {
  return fetch(`${stack.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

type Outcome =
  | { kind: 'bought'; orderId: string; seatId: string }
  | { kind: 'refused'; status: number; code: string }
  | { kind: 'gave_up'; last: string };

/**
 * A buyer as a client behaves: a 503 (a shard failing over) is retried, a checkout with the
 * same Idempotency-Key; a lost hold (409 at checkout) sends them back to reserve.
 */
async function buy(token: string, eventId: string, seatId: string, key: string, deadlineMs: number): Promise<Outcome> {
  let last = '';
  for (let attempt = 0; Date.now() < deadlineMs; attempt++) {
    const reserve = await call('POST', '/api/seats/reserve', token, { eventId, seatIds: [seatId] });
    if (reserve.status >= 500) {
      last = `reserve ${reserve.status} ${await reserve.text()}`;
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    if (reserve.status !== 201) return { kind: 'refused', status: reserve.status, code: (await reserve.json()).code };
    await reserve.body?.cancel();
    while (Date.now() < deadlineMs) {
      const checkout = await call(
        'POST',
        '/api/checkout',
        token,
        { eventId, payment: { method: 'card', token: 'tok_visa' } },
        { 'idempotency-key': `${key}-${attempt}` },
      );
      if (checkout.status === 201) return { kind: 'bought', orderId: (await checkout.json()).order.id, seatId };
      last = `checkout ${checkout.status} ${await checkout.text()}`;
      if (checkout.status < 500) break; // the hold is gone: reserve again, a new attempt with a new key
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return { kind: 'gave_up', last };
}

async function soldInPostgres(eventId: string) {
  const { rows } = await db.pool.query<{ tickets: number; seats: number }>(
    `SELECT count(*)::int AS tickets, count(DISTINCT seat_id)::int AS seats FROM tickets WHERE event_id = $1 AND status = 'valid'`,
    [eventId],
  );
  return rows[0]!;
}

async function ordersInPostgres(ids: string[]): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM orders WHERE id = ANY($1::uuid[]) AND status = 'completed'`,
    [ids],
  );
  return rows[0]!.n;
}

function withoutRedisUrl(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { REDIS_URL: _ignored, ...rest } = env;
  return rest;
}

async function ticketctl(...args: string[]) {
  return run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    env: { ...withoutRedisUrl(process.env), ...stack.env, LOG_LEVEL: 'silent' },
    timeout: 120_000,
  }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (err: { code?: number; stdout?: string }) => ({ code: err.code ?? 1, stdout: err.stdout ?? '' }),
  );
}

async function metricPerApi(name: string): Promise<number[]> {
  return Promise.all(
    stack.apis.map(async (api) => {
      const text = await (await fetch(`${api.url}/metrics`)).text();
      return Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
    }),
  );
}
/** Reserve requests each API process answered, whatever their status. */
async function reservesAnsweredPerApi(): Promise<number[]> {
  return Promise.all(
    stack.apis.map(async (api) => {
      const text = await (await fetch(`${api.url}/metrics`)).text();
      const lines = text.matchAll(
        /^ticketing_http_requests_total\{method="POST",route="\/api\/seats\/reserve",status="\d+"\} (\d+)$/gm,
      );
      return [...lines].reduce((n, m) => n + Number(m[1]), 0);
    }),
  );
}
const metricSum = async (name: string) => (await metricPerApi(name)).reduce((a, b) => a + b, 0);

describe('on a Redis Cluster behind nginx', () => {
  it(`sells exactly ${SEATS} seats to ${BUYERS} racing buyers spread over 3 API processes`, async () => {
    const { eventId, seatIds } = await seedEvent(db.pool, engine, { rows: 5, seatsPerRow: 10 });
    const tokens = await buyers(BUYERS);
    const deadline = Date.now() + 120_000;
    const outcomes = await Promise.all(
      tokens.map((token, i) => buy(token, eventId, seatIds[i % SEATS]!, `race-${i}`, deadline)),
    );
    const bought = outcomes.filter((o) => o.kind === 'bought');
    expect(bought).toHaveLength(SEATS);
    expect(new Set(bought.map((o) => o.seatId)).size).toBe(SEATS);
    expect(
      new Set(outcomes.filter((o) => o.kind === 'refused').map((o) => o.kind === 'refused' && `${o.status} ${o.code}`)),
    ).toEqual(new Set(['409 seats_unavailable']));
    expect(await soldInPostgres(eventId)).toEqual({ tickets: SEATS, seats: SEATS });
    // every API process took part in the race (which of them won seats is the race's own outcome)
    for (const answered of await reservesAnsweredPerApi()) expect(answered).toBeGreaterThan(0);
  }, 300_000);

  it('shows a /live client on one API process the changes made through another (and through nginx)', async () => {
    const { eventId, seatIds } = await seedEvent(db.pool, engine, { rows: 1, seatsPerRow: 8 });
    const [token] = await buyers(1);
    const [first, second] = stack.apis as [(typeof stack.apis)[0], (typeof stack.apis)[0]];
    const direct = await SseClient.open(`${first.url}/api/events/${eventId}/live`);
    const viaNginx = await SseClient.open(`${stack.url}/api/events/${eventId}/live`);
    try {
      await direct.until(() => direct.events.length === 1);
      await viaNginx.until(() => viaNginx.events.length === 1);
      const start = Number(direct.events[0]!.id);
      const through = (path: string, method: string, body: unknown) =>
        fetch(`${second.url}${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      expect((await through('/api/seats/reserve', 'POST', { eventId, seatIds: [seatIds[2], seatIds[5]] })).status).toBe(
        201,
      );
      expect((await through('/api/seats/release', 'DELETE', { eventId, seatIds: [seatIds[2]] })).status).toBe(200);
      const actor = (await engine.seatStates(eventId))!;
      expect(actor).toEqual({ version: start + 2, states: 'aaaaahaa' });
      for (const client of [direct, viaNginx]) {
        await client.until(() => new LiveSeatMap(client).update().version === actor.version);
        const map = new LiveSeatMap(client).update();
        expect(map.states).toBe(actor.states);
        expect(map.discontinuities).toEqual([]);
      }
      // the direct client's process served no write: what it sent came from the shard's channel
      expect(direct.events.filter((e) => e.event === 'snapshot')).toHaveLength(1);
    } finally {
      direct.close();
      viaNginx.close();
    }
  }, 120_000);

  it('loses no sale when a master is killed -9 mid on-sale: its replica takes over and the actor is rebuilt', async () => {
    const { eventId, seatIds } = await seedEvent(db.pool, engine, { rows: 5, seatsPerRow: 10 });
    const tokens = await buyers(BUYERS);
    await stack.redis.waitHealthy();
    const master = await stack.redis.masterOf(engine.keys(eventId)!.state);
    const admin = new Redis(master.port);
    const replicaPort = Number(/slave0:ip=[^,]+,port=(\d+)/.exec(await admin.info('replication'))?.[1]);
    const replica = stack.redis.nodes.find((n) => n.port === replicaPort)!;
    // Make the loss certain instead of a matter of timing: the replica stops hearing its
    // master, so every write from here on exists on the master only, as with a slow link.
    replica.child.kill('SIGSTOP');
    await admin.call('CLIENT', 'KILL', 'TYPE', 'replica');
    admin.disconnect();

    const deadline = Date.now() + 120_000;
    const race = Promise.all(tokens.map((token, i) => buy(token, eventId, seatIds[i % SEATS]!, `fo-${i}`, deadline)));
    await pollUntil(async () => (await soldInPostgres(eventId)).tickets >= 15, 120_000, '15 sales are in Postgres');
    await stack.redis.kill(master);
    replica.child.kill('SIGCONT');
    const outcomes = await race;

    // Every 201 is in Postgres, and no seat was sold twice.
    const bought = outcomes.filter((o): o is Extract<Outcome, { kind: 'bought' }> => o.kind === 'bought');
    expect(await ordersInPostgres(bought.map((o) => o.orderId))).toBe(bought.length);
    const sold = await soldInPostgres(eventId);
    expect(sold.tickets).toBe(sold.seats);
    expect(new Set(bought.map((o) => o.seatId)).size).toBe(bought.length);
    // A sale may be in Postgres without its 201 (the answer was lost with the shard); never the reverse.
    expect(sold.tickets).toBeGreaterThanOrEqual(bought.length);
    // every buyer got an answer: a sale, or a clear refusal
    expect(outcomes.filter((o) => o.kind === 'gave_up')).toEqual([]);

    // The promoted replica lacked the last sales; an API process rebuilt the actor from Postgres.
    await pollUntil(
      async () => (await metricSum('ticketing_actor_repairs_total')) >= 1,
      60_000,
      'an API process rebuilds the actor',
    );
    await pollUntil(
      async () => (await ticketctl('verify', '--all')).code === 0,
      120_000,
      'ticketctl verify --all is clean',
    );
    const verify = await ticketctl('verify', '--all');
    expect(verify.stdout).toContain(`${eventId}: consistent (sold: Redis ${sold.tickets}, Postgres ${sold.tickets}`);
  }, 400_000);
});
