import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import { assertTopology, type Topology } from './amqpTopology.js';
import type { Publisher } from './relay.js';
import { toMessage, type OutboxEntry } from './types.js';

/** How long connecting to the broker may take before the round fails (and is retried). */
const CONNECT_TIMEOUT_MS = 5_000;

/**
 * Publishes to RabbitMQ on a confirm channel: persistent messages to the durable topic
 * exchange, routed by type, with the entry id as messageId. publish() resolves only once
 * the broker confirmed every message; any failure drops the connection (the next round
 * connects again) and rejects, so the relay marks nothing.
 */
export class AmqpPublisher implements Publisher {
  private connection: ChannelModel | undefined;
  private channel: Promise<ConfirmChannel> | undefined;

  constructor(
    private readonly url: string,
    private readonly topology: Topology,
  ) {}

  private open(): Promise<ConfirmChannel> {
    this.channel ??= (async () => {
      const connection = await amqp.connect(this.url, { timeout: CONNECT_TIMEOUT_MS });
      this.connection = connection;
      connection.on('error', () => {});
      connection.on('close', () => this.forget(connection));
      const channel = await connection.createConfirmChannel();
      channel.on('error', () => {});
      channel.on('close', () => this.forget(connection));
      await assertTopology(channel, this.topology);
      return channel;
    })().catch((err: unknown) => {
      this.channel = undefined;
      throw err;
    });
    return this.channel;
  }

  private forget(connection: ChannelModel): void {
    if (this.connection !== connection) return;
    this.connection = undefined;
    this.channel = undefined;
    connection.close().catch(() => {});
  }

  async publish(entries: OutboxEntry[]): Promise<string[]> {
    const channel = await this.open();
    try {
      for (const entry of entries) {
        channel.publish(this.topology.exchange, entry.type, Buffer.from(JSON.stringify(toMessage(entry))), {
          persistent: true,
          contentType: 'application/json',
          messageId: entry.id,
          type: entry.type,
          timestamp: Math.floor(entry.createdAt.getTime() / 1000),
          headers: { 'subject-id': entry.subjectId },
        });
      }
      await channel.waitForConfirms();
    } catch (err) {
      if (this.connection) this.forget(this.connection);
      throw err;
    }
    return entries.map((e) => e.id);
  }

  async close(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    this.channel = undefined;
    await connection?.close().catch(() => {});
  }
}
