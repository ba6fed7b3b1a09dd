import amqp, { type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { z } from 'zod';
import type { Logger } from '../infra/logger.js';
import { assertTopology, type Topology } from './amqpTopology.js';
import { backoffMs } from './backoff.js';
import { Pause } from './pause.js';
import { NOTIFICATION_TYPES, type OutboxConsumer, type OutboxEntry } from './types.js';

const messageBody = z.object({
  type: z.enum(NOTIFICATION_TYPES),
  timestamp: z.string().datetime(),
  data: z.record(z.string(), z.unknown()),
});

/** The entry a message carries, or undefined for one that is not ours (it goes to the dead letters). */
export function entryOf(message: ConsumeMessage): OutboxEntry | undefined {
  const id = message.properties.messageId as unknown;
  const subjectId = message.properties.headers?.['subject-id'] as unknown;
  let body: unknown;
  try {
    body = JSON.parse(message.content.toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = messageBody.safeParse(body);
  if (!parsed.success || typeof id !== 'string' || typeof subjectId !== 'string') return undefined;
  return {
    id,
    type: parsed.data.type,
    subjectId,
    payload: parsed.data.data,
    createdAt: new Date(parsed.data.timestamp),
  };
}

export interface AmqpConsumerOptions {
  url: string;
  topology: Topology;
  consumers: OutboxConsumer[];
  log: Logger;
  /** unacknowledged messages per consumer at once */
  prefetch?: number;
  /** a message a consumer failed this many times goes to the dead-letter queue */
  maxAttempts?: number;
  retryBaseMs?: number;
}

/**
 * Runs the consumers on their RabbitMQ queues with manual acknowledgement: ack after the
 * consumer handled the message; on failure the message is returned to its queue after a
 * growing pause, and after maxAttempts it is rejected into the dead-letter queue. A lost
 * connection is re-made with backoff; unacknowledged messages are redelivered by the broker
 * (the consumers skip what they already did, by entry id).
 */
export class AmqpConsumers {
  readonly stats = { handled: 0, redelivered: 0, deadLettered: 0 };
  private running = false;
  private connection: ChannelModel | undefined;
  private loop: Promise<void> | undefined;
  private readonly pause = new Pause();
  private readonly failures = new Map<string, number>();

  constructor(private readonly opts: AmqpConsumerOptions) {}

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.pause.wake();
    await this.connection?.close().catch(() => {});
    await this.loop;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        const closed = await this.connect();
        failures = 0;
        await closed;
      } catch (err) {
        failures += 1;
        this.opts.log.warn(
          { event: 'amqp_consumers_reconnect', err: String(err), failures },
          'RabbitMQ consumers reconnecting',
        );
        await this.pause.for(backoffMs(failures, { baseMs: 200, maxMs: 10_000 }));
      }
    }
  }

  /** Connects and subscribes; resolves with a promise that settles when the connection closes. */
  private async connect(): Promise<Promise<void>> {
    const connection = await amqp.connect(this.opts.url, { timeout: 5_000 });
    const closed = new Promise<void>((resolve) => connection.on('close', () => resolve()));
    connection.on('error', () => {});
    this.connection = connection;
    const channel = await connection.createChannel();
    channel.on('error', () => {});
    await assertTopology(channel, this.opts.topology);
    await channel.prefetch(this.opts.prefetch ?? 16);
    for (const { name, queue } of this.opts.topology.queues) {
      const consumer = this.opts.consumers.find((c) => c.name === name);
      if (!consumer) continue;
      await channel.consume(
        queue,
        (message) => {
          if (message) void this.onMessage(channel, consumer, message);
        },
        { noAck: false },
      );
    }
    if (!this.running) await connection.close().catch(() => {});
    return closed;
  }

  private async onMessage(channel: Channel, consumer: OutboxConsumer, message: ConsumeMessage): Promise<void> {
    const entry = entryOf(message);
    if (!entry) {
      this.opts.log.error(
        { event: 'amqp_message_refused', consumer: consumer.name, messageId: message.properties.messageId },
        'a message that is not an outbox entry went to the dead letters',
      );
      this.settle(() => channel.nack(message, false, false));
      this.stats.deadLettered += 1;
      return;
    }
    const key = `${consumer.name}:${entry.id}`;
    try {
      await consumer.handle(entry);
      this.failures.delete(key);
      this.settle(() => channel.ack(message));
      this.stats.handled += 1;
    } catch (err) {
      const failures = (this.failures.get(key) ?? 0) + 1;
      const giveUp = failures >= (this.opts.maxAttempts ?? 5);
      this.opts.log.warn(
        {
          event: 'amqp_consumer_failed',
          consumer: consumer.name,
          entryId: entry.id,
          failures,
          giveUp,
          err: String(err),
        },
        'a consumer could not handle a message',
      );
      if (giveUp) {
        this.failures.delete(key);
        this.settle(() => channel.nack(message, false, false));
        this.stats.deadLettered += 1;
        return;
      }
      this.failures.set(key, failures);
      await new Promise((resolve) =>
        setTimeout(resolve, backoffMs(failures, { baseMs: this.opts.retryBaseMs ?? 1_000, maxMs: 30_000 })),
      );
      this.settle(() => channel.nack(message, false, true));
      this.stats.redelivered += 1;
    }
  }

  /** An ack or nack on a channel that closed meanwhile is moot: the broker redelivers the message. */
  private settle(action: () => void): void {
    try {
      action();
    } catch {
      // channel closed
    }
  }
}
