import type { Logger } from '../infra/logger.js';
import { backoffMs } from './backoff.js';
import type { Publisher } from './relay.js';
import type { OutboxConsumer, OutboxEntry } from './types.js';

/**
 * No broker: the relay hands each entry straight to the consumers of this process. An
 * entry counts as published once every consumer handled it; one that a consumer refused
 * stays in the outbox and is offered again after a growing pause (the consumers skip what
 * they already did, by entry id).
 */
export class InProcessPublisher implements Publisher {
  private readonly retryAt = new Map<string, { failures: number; atMs: number }>();

  constructor(
    private readonly consumers: OutboxConsumer[],
    private readonly log: Logger,
    private readonly maxBackoffMs = 60_000,
    private readonly concurrency = 4,
  ) {}

  async publish(entries: OutboxEntry[]): Promise<string[]> {
    const now = Date.now();
    const due = entries.filter((e) => (this.retryAt.get(e.id)?.atMs ?? 0) <= now);
    // A few at a time: each consumer may hold a database connection while it mails or writes.
    const handled: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < due.length) {
        const entry = due[next++]!;
        if (await this.deliver(entry)) handled.push(entry.id);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, due.length) }, worker));
    return handled;
  }

  private async deliver(entry: OutboxEntry): Promise<boolean> {
    try {
      for (const consumer of this.consumers) await consumer.handle(entry);
      this.retryAt.delete(entry.id);
      return true;
    } catch (err) {
      const failures = (this.retryAt.get(entry.id)?.failures ?? 0) + 1;
      const delayMs = backoffMs(failures, { baseMs: 500, maxMs: this.maxBackoffMs });
      this.retryAt.set(entry.id, { failures, atMs: Date.now() + delayMs });
      this.log.warn(
        { event: 'notification_consumer_failed', entryId: entry.id, type: entry.type, failures, err: String(err) },
        'a consumer could not handle an outbox entry; it will be offered again',
      );
      return false;
    }
  }

  async close(): Promise<void> {}
}
