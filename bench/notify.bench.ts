import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import amqp from 'amqplib';
import { silentLogger } from '../src/infra/logger.js';
import { AmqpPublisher } from '../src/notify/amqpPublisher.js';
import { deleteTopology, topology, type Topology } from '../src/notify/amqpTopology.js';
import { outboxBacklog } from '../src/notify/outbox.js';
import { OutboxRelay } from '../src/notify/relay.js';
import type { Pool } from '../src/persist/db.js';
import { httpClient } from './httpClient.js';
import { measure, table, type Measurement } from './measure.js';
import { benchAdminUrl, benchStack, createBuyers, createEvent, scratchDatabase } from './support.js';

/** The shared RabbitMQ; the bench declares its own exchange and queues and deletes them. */
const BROKER = process.env.BENCH_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const RELAYED = 20_000;
const CHECKOUTS = 1_500;
const CONNECTIONS = 32;
const ROUNDS = 2;

async function removeTopology(shape: Topology): Promise<void> {
  const connection = await amqp.connect(BROKER);
  await deleteTopology(await connection.createChannel(), shape);
  await connection.close();
}

/** Outbox entries of a realistic size (an order of two seats), all unpublished. */
async function fillOutbox(pool: Pool, count: number): Promise<void> {
  await pool.query(
    `
    INSERT INTO outbox (id, type, subject_id, payload)
    SELECT gen_random_uuid(), 'order.completed', gen_random_uuid(), jsonb_build_object('order', jsonb_build_object(
      'id', gen_random_uuid(), 'userId', gen_random_uuid(), 'eventId', gen_random_uuid(), 'status', 'completed',
      'totalCents', 10000, 'currency', 'USD', 'createdAt', '2030-01-01T00:00:00.000Z', 'items', jsonb_build_array(
        jsonb_build_object('seatId', gen_random_uuid(), 'section', 'Floor', 'row', '1', 'number', '1', 'priceCents', 5000),
        jsonb_build_object('seatId', gen_random_uuid(), 'section', 'Floor', 'row', '1', 'number', '2', 'priceCents', 5000))))
    FROM generate_series(1, $1)`,
    [count],
  );
}

/** Publish (confirmed) + mark sent, through RabbitMQ, as fast as one relay goes. */
async function relayRate(): Promise<Measurement> {
  const db = await scratchDatabase(benchAdminUrl());
  const shape = topology(`bench.notify.${randomUUID().slice(0, 8)}`, ['bench']);
  try {
    await fillOutbox(db.pool, RELAYED);
    const relay = new OutboxRelay({
      pool: db.pool,
      publisher: new AmqpPublisher(BROKER, shape),
      log: silentLogger,
      batchSize: 500,
    });
    await relay.relayOnce(); // connect and declare before the clock starts
    const t0 = performance.now();
    while ((await relay.relayOnce()) > 0);
    const seconds = (performance.now() - t0) / 1000;
    await relay.stop();
    const left = (await outboxBacklog(db.pool)).entries;
    if (left !== 0) throw new Error(`${left} entries left unpublished`);
    const ops = RELAYED - 500;
    return {
      name: 'outbox relayed to RabbitMQ (confirmed, marked sent; 500 per round)',
      ops,
      errors: 0,
      seconds,
      opsPerSecond: ops / seconds,
      p50Ms: 0,
      p95Ms: 0,
      p99Ms: 0,
    };
  } finally {
    await removeTopology(shape).catch(() => {});
    await db.drop();
  }
}

type Mode = 'off' | 'relay' | 'on';
const MODES: Mode[] = ['off', 'relay', 'on'];
const MODE_NAMES: Record<Mode, string> = {
  off: 'notifications off',
  relay: 'outbox + relay to RabbitMQ (consumers not in the API)',
  on: 'outbox + relay + mail and webhook consumers in the API process',
};

/** How fast a consumer process (mail + webhooks) works through what the relay published. */
async function consumeRate(
  dbUrl: string,
  shape: Topology,
  mailDir: string,
  pool: Pool,
  expected: number,
): Promise<Measurement> {
  const done = async () =>
    (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox_consumed WHERE consumer = 'mail'`)).rows[0]!
      .n;
  const before = await done();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/notify/main.ts', 'consumers'], {
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      DATABASE_URL: dbUrl,
      AMQP_URL: BROKER,
      AMQP_EXCHANGE: shape.exchange,
      MAIL_DIR: mailDir,
    },
    stdio: 'ignore',
  });
  const t0 = performance.now();
  while ((await done()) - before < expected) await new Promise((r) => setTimeout(r, 20));
  const seconds = (performance.now() - t0) / 1000;
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  return {
    name: 'consumer process: mail (.eml) + webhook fan-out, from RabbitMQ (incl. start-up)',
    ops: expected,
    errors: 0,
    seconds,
    opsPerSecond: expected / seconds,
    p50Ms: 0,
    p95Ms: 0,
    p99Ms: 0,
  };
}

/**
 * Checkout throughput of the API with notifications off (no outbox rows, no relay), with the
 * outbox and the relay to RabbitMQ (consumers elsewhere: the cost on the checkout path), and
 * with the consumers in the API process too; alternated ROUNDS times on the same machine.
 */
async function checkoutCost() {
  const stack = await benchStack();
  const mailDir = await mkdtemp(join(tmpdir(), 'bench-mail-'));
  const shape = topology(`bench.notify.${randomUUID().slice(0, 8)}`, ['mail', 'webhooks']);
  const rows: Measurement[] = [];
  let drainMs = 0;
  let consume: Measurement | undefined;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const mode of MODES) {
        const event = await createEvent(stack.db.pool, 100, 100);
        const tokens = await createBuyers(stack.db.pool, stack.sessions, CHECKOUTS);
        const api = await stack.startApi({
          NOTIFICATIONS: mode,
          AMQP_URL: BROKER,
          AMQP_EXCHANGE: shape.exchange,
          MAIL_DIR: mailDir,
          LOG_LEVEL: 'warn',
        });
        const client = httpClient(api.url, CONNECTIONS);
        const auth = (i: number) => ({ authorization: `Bearer ${tokens[i]}` });
        await measure(
          'holds',
          CHECKOUTS,
          CONNECTIONS,
          async (i) =>
            (
              await client.request('POST', '/api/seats/reserve', {
                headers: auth(i),
                body: { eventId: event.id, seatIds: [event.seatIds[2 * i], event.seatIds[2 * i + 1]] },
              })
            ).status === 201,
        );
        const row = await measure(
          `POST /api/checkout: ${MODE_NAMES[mode]} (round ${round + 1})`,
          CHECKOUTS,
          CONNECTIONS,
          async (i) =>
            (
              await client.request('POST', '/api/checkout', {
                headers: { ...auth(i), 'idempotency-key': `n-${i}` },
                body: { eventId: event.id, payment: { method: 'card', token: 'tok_visa' } },
              })
            ).status === 201,
        );
        rows.push(row);
        if (mode !== 'off') {
          const t0 = performance.now();
          while ((await outboxBacklog(stack.db.pool)).entries > 0) await new Promise((r) => setTimeout(r, 20));
          drainMs = Math.max(drainMs, performance.now() - t0);
        }
        client.close();
        api.child.kill('SIGTERM');
        await api.exited;
        if (mode === 'relay') {
          // Drains what this round published (so the next round starts from empty queues); the best rate is kept.
          const rate = await consumeRate(stack.db.url, shape, mailDir, stack.db.pool, CHECKOUTS);
          if (!consume || rate.opsPerSecond > consume.opsPerSecond) consume = rate;
        }
      }
    }
  } finally {
    await stack.close();
    await removeTopology(shape).catch(() => {});
    await rm(mailDir, { recursive: true, force: true });
  }
  const best = (mode: Mode) =>
    Math.max(...rows.filter((r) => r.name.includes(MODE_NAMES[mode])).map((r) => r.opsPerSecond));
  return { rows, consume: consume!, off: best('off'), relay: best('relay'), on: best('on'), drainMs };
}

/** Outbox entries relayed per second through RabbitMQ, and what notifications add to a checkout. */
export async function notifyBench(): Promise<{ rows: Measurement[]; summary: Record<string, number> }> {
  const relay = await relayRate();
  const cost = await checkoutCost();
  const rows = [relay, cost.consume, ...cost.rows];
  console.log(`\n## notify (shared RabbitMQ, API in its own process, ${CONNECTIONS} connections)\n`);
  console.log(table(rows));
  const relayRatio = cost.relay / cost.off;
  const onRatio = cost.on / cost.off;
  console.log(
    `\nrelay ${relay.opsPerSecond.toFixed(0)} entries/s, consumers ${cost.consume.opsPerSecond.toFixed(0)} entries/s; checkout (best of ${ROUNDS} rounds each) ` +
      `with outbox + relay = ${(relayRatio * 100).toFixed(1)}% of without (target >= 95%), with the consumers in the API process too = ` +
      `${(onRatio * 100).toFixed(1)}%; the relay caught up ${cost.drainMs.toFixed(0)} ms after the last checkout`,
  );
  return {
    rows,
    summary: {
      relayedPerSecond: relay.opsPerSecond,
      consumedPerSecond: cost.consume.opsPerSecond,
      checkoutOffPerSecond: cost.off,
      checkoutRelayPerSecond: cost.relay,
      checkoutOnPerSecond: cost.on,
      relayRatio,
      onRatio,
      relayCatchUpMs: cost.drainMs,
    },
  };
}
