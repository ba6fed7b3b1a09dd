import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/infra/logger.js';
import { AmqpConsumers } from '../../src/notify/amqpConsumers.js';
import { AmqpPublisher } from '../../src/notify/amqpPublisher.js';
import { deleteTopology, topology } from '../../src/notify/amqpTopology.js';
import { once, outboxBacklog } from '../../src/notify/outbox.js';
import { OutboxRelay } from '../../src/notify/relay.js';
import type { OutboxConsumer, OutboxEntry } from '../../src/notify/types.js';
import { Persister } from '../../src/persist/persister.js';
import { buy, engineWithDatabase, seedEvent, type EngineWithDatabase } from '../support/world.js';
import { eventually } from './receivers.js';
import { tcpProxy } from './tcpProxy.js';

/** The shared broker: these tests use their own exchange and queues, and delete them. */
const BROKER = 'amqp://guest:guest@127.0.0.1:5672';
/** The queues of the real consumers (a relay process declares them); the test's consumer reads the mail queue. */
const shape = topology(`test.notify.${randomUUID().slice(0, 8)}`, ['mail', 'webhooks']);

/**
 * A consumer that notes every delivery, and handles each entry once (by id), as the real ones
 * do; `progress.finished` counts the deliveries it is done with (what they handled is recorded).
 */
function recordingConsumer(stack: EngineWithDatabase) {
  const deliveries: string[] = [];
  const handled: OutboxEntry[] = [];
  const progress = { finished: 0 };
  const consumer: OutboxConsumer = {
    name: 'mail',
    async handle(entry) {
      deliveries.push(entry.id);
      try {
        await once(stack.db.pool, 'test-recorder', entry.id, async () => {
          handled.push(entry);
        });
      } finally {
        progress.finished += 1;
      }
    },
  };
  return { consumer, deliveries, handled, progress };
}

let stack: EngineWithDatabase;
let persister: Persister;
let eventId: string;
let nextSeat = 0;
beforeAll(async () => {
  stack = await engineWithDatabase(20);
  persister = new Persister({ redis: stack.fx.redis, pool: stack.db.pool, log: silentLogger, prefix: stack.fx.prefix });
  ({ eventId } = await seedEvent(stack.db.pool, stack.fx.engine, { rows: 5, seatsPerRow: 20 }));
});
afterAll(async () => {
  const connection = await amqp.connect(BROKER);
  const channel = await connection.createChannel();
  await deleteTopology(channel, shape);
  await connection.close();
  await stack.close();
});

/** n sales, persisted: n order.completed entries in the outbox. Returns the order ids. */
async function sales(n: number): Promise<string[]> {
  const orders: string[] = [];
  for (let i = 0; i < n; i++)
    orders.push(await buy(stack.fx.engine, eventId, stack.users[nextSeat % 20]!, [nextSeat++]));
  while ((await persister.drainOnce()) > 0);
  return orders;
}

/** Drops what earlier tests left in the queues (at least once: a cut connection may have published twice). */
async function purgeQueues(): Promise<void> {
  const connection = await amqp.connect(BROKER);
  const channel = await connection.createChannel();
  for (const { queue } of shape.queues) await channel.purgeQueue(queue);
  await channel.purgeQueue(shape.deadLetterQueue);
  await connection.close();
}

const subjects = (entries: OutboxEntry[]) => entries.map((e) => e.subjectId).sort();
const backlog = async () => (await outboxBacklog(stack.db.pool)).entries;

/** Consumers on the test's topology and a relay publishing to `publishTo`, both started. */
async function pipeline(
  consumerList: OutboxConsumer[],
  options: { publishTo?: string; maxBackoffMs?: number; maxAttempts?: number; retryBaseMs?: number } = {},
) {
  const { publishTo = BROKER, maxBackoffMs, ...attempts } = options;
  const consumers = new AmqpConsumers({
    url: BROKER,
    topology: shape,
    consumers: consumerList,
    log: silentLogger,
    ...attempts,
  });
  const relay = new OutboxRelay({
    pool: stack.db.pool,
    publisher: new AmqpPublisher(publishTo, shape),
    log: silentLogger,
    pollMs: 50,
    ...(maxBackoffMs === undefined ? {} : { maxBackoffMs }),
  });
  await consumers.start();
  await relay.start();
  return { consumers, relay };
}

describe('the outbox relayed through RabbitMQ', () => {
  it('publishes with confirms, marks sent, and the consumers ack each entry once; a broker outage loses nothing', async () => {
    const proxy = await tcpProxy({ host: '127.0.0.1', port: 5672 });
    const record = recordingConsumer(stack);
    const { consumers, relay } = await pipeline([record.consumer], {
      publishTo: `amqp://guest:guest@127.0.0.1:${proxy.port}`,
      maxBackoffMs: 200,
    });
    try {
      const before = await sales(3);
      await eventually(
        async () => record.handled.length === 3 && (await backlog()) === 0,
        15_000,
        'the first sales to arrive',
      );
      expect(subjects(record.handled)).toEqual([...before].sort());

      // The broker goes away in the middle of the sale: sales go on, the outbox keeps them.
      await proxy.cut();
      const failedBefore = relay.stats.failedRounds;
      const during = await sales(5);
      await eventually(
        async () => relay.stats.failedRounds >= failedBefore + 2,
        15_000,
        'the relay to fail without the broker',
      );
      expect(await backlog()).toBe(5);
      expect(record.handled).toHaveLength(3);

      await proxy.restore();
      await eventually(
        async () => record.handled.length === 8 && (await backlog()) === 0,
        20_000,
        'the sales made during the outage',
      );
      expect(subjects(record.handled)).toEqual([...before, ...during].sort());
    } finally {
      await relay.stop();
      await consumers.stop();
      await proxy.close();
    }
  });

  it('a relay killed between publish and mark-sent publishes again on restart; the consumer handles each entry once', async () => {
    await purgeQueues();
    const orders = await sales(4);
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/notify/main.ts', 'relay'], {
      env: {
        ...process.env,
        LOG_LEVEL: 'silent',
        DATABASE_URL: stack.db.url,
        AMQP_URL: BROKER,
        AMQP_EXCHANGE: shape.exchange,
        RELAY_FAILPOINT: 'after_publish',
      },
      stdio: 'ignore',
    });
    const how = await new Promise((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
    expect(how).toBe('SIGKILL');
    // Published and confirmed, but never marked: still the relay's work.
    expect(await backlog()).toBe(4);

    const record = recordingConsumer(stack);
    const { consumers, relay } = await pipeline([record.consumer]);
    try {
      await eventually(
        // every delivery finished (not only received): what it handled is all recorded
        async () => record.progress.finished === 8 && (await backlog()) === 0,
        20_000,
        'both publications',
      );
      // Every entry arrived twice (at least once), and was handled once (by entry id).
      const counts = new Map<string, number>();
      for (const id of record.deliveries) counts.set(id, (counts.get(id) ?? 0) + 1);
      expect([...counts.values()]).toEqual([2, 2, 2, 2]);
      expect(subjects(record.handled)).toEqual([...orders].sort());
      const { rows } = await stack.db.pool.query(
        'SELECT count(*)::int AS n FROM outbox_consumed WHERE consumer = $1 AND entry_id = ANY($2::uuid[])',
        ['test-recorder', [...counts.keys()]],
      );
      expect(rows[0].n).toBe(4);
    } finally {
      await relay.stop();
      await consumers.stop();
    }
  });

  it('a message no consumer can handle goes to the dead-letter queue after its attempts', async () => {
    await purgeQueues();
    const failing: OutboxConsumer = { name: 'mail', handle: async () => Promise.reject(new Error('cannot handle')) };
    const { consumers, relay } = await pipeline([failing], { maxAttempts: 3, retryBaseMs: 10 });
    try {
      const [order] = await sales(1);
      await eventually(async () => consumers.stats.deadLettered === 1, 15_000, 'the dead letter');
      expect(consumers.stats.redelivered).toBe(2);
      const connection = await amqp.connect(BROKER);
      const channel = await connection.createChannel();
      const dead = await eventually(
        async () => channel.get(shape.deadLetterQueue, { noAck: true }),
        5_000,
        'the dead-letter queue',
      );
      expect(JSON.parse(dead.content.toString())).toMatchObject({
        type: 'order.completed',
        data: { order: { id: order } },
      });
      await connection.close();
    } finally {
      await relay.stop();
      await consumers.stop();
    }
  });
});
