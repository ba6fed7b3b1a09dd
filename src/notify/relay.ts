import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool, PoolClient } from 'pg';
import { inTransaction } from '../persist/db.js';
import type { Logger } from '../infra/logger.js';
import { Pause } from './pause.js';
import { lockUnpublished, markPublished } from './outbox.js';
import type { OutboxEntry } from './types.js';

/** Where the relay hands entries: RabbitMQ, or the in-process consumers. */
export interface Publisher {
  /** Hands the entries over; resolves with the ids now safely handed over (confirmed). */
  publish(entries: OutboxEntry[]): Promise<string[]>;
  close(): Promise<void>;
}

export interface RelayOptions {
  pool: Pool;
  publisher: Publisher;
  log: Logger;
  /** most entries per round (one transaction) */
  batchSize?: number;
  /** how long an idle relay waits before looking again without a wake-up */
  pollMs?: number;
  /**
   * after a wake-up, how long to let entries gather before the round: they come a persister
   * batch at a time, and fewer, fuller rounds cost each entry less (default 50 ms)
   */
  gatherMs?: number;
  /** longest pause between retries while the broker or Postgres is down */
  maxBackoffMs?: number;
  /** called after each round with the number of entries marked published */
  onRelayed?: (count: number) => void;
}

/** Fault injection for crash tests: RELAY_FAILPOINT=after_publish kills the process between publish and mark-sent. */
function failpoint(name: 'after_publish'): void {
  if (process.env.RELAY_FAILPOINT === name) process.kill(process.pid, 'SIGKILL');
}

/**
 * Publishes the outbox. Each round locks the oldest unpublished entries (SKIP LOCKED: any
 * number of relays may run), hands them to the publisher, and marks published only what
 * the publisher confirmed, in the same transaction. A crash between publishing and the
 * commit publishes those entries again: delivery is at least once.
 */
export class OutboxRelay {
  readonly stats = { relayed: 0, failedRounds: 0 };
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly pause = new Pause();
  private listener: PoolClient | undefined;
  private readonly batchSize: number;
  private readonly pollMs: number;
  private readonly maxBackoffMs: number;
  private readonly gatherMs: number;

  constructor(private readonly opts: RelayOptions) {
    this.batchSize = opts.batchSize ?? 200;
    this.pollMs = opts.pollMs ?? 1_000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 5_000;
    this.gatherMs = opts.gatherMs ?? 50;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.listen().catch((err) =>
      this.opts.log.warn({ event: 'outbox_listen_failed', err: String(err) }, 'relay polls only'),
    );
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.pause.wake();
    await this.loop;
    this.listener?.release(true);
    this.listener = undefined;
    await this.opts.publisher.close();
  }

  /** Looks again now (after a write this process made, or in tests). */
  nudge(): void {
    this.pause.wake();
  }

  private async listen(): Promise<void> {
    const client = await this.opts.pool.connect();
    client.on('notification', () => this.pause.wake());
    client.on('error', () => {
      // The connection is gone (Postgres restarted): fall back to polling until the next start.
      this.listener = undefined;
    });
    await client.query('LISTEN outbox');
    this.listener = client;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        const count = await this.relayOnce();
        failures = 0;
        if (count < this.batchSize) {
          await this.pause.for(this.pollMs);
          if (this.running) await sleep(this.gatherMs);
        }
      } catch (err) {
        failures += 1;
        this.stats.failedRounds += 1;
        const delay = Math.min(this.maxBackoffMs, 100 * 2 ** Math.min(failures, 10));
        this.opts.log.warn(
          { event: 'outbox_relay_retry', err: String(err), delayMs: delay },
          'outbox relay round failed',
        );
        await this.pause.for(delay);
      }
    }
  }

  /** One round; returns how many entries it marked published. */
  async relayOnce(): Promise<number> {
    const published = await inTransaction(this.opts.pool, async (client) => {
      const entries = await lockUnpublished(client, this.batchSize);
      const confirmed = entries.length > 0 ? await this.opts.publisher.publish(entries) : [];
      failpoint('after_publish');
      if (confirmed.length > 0) await markPublished(client, confirmed);
      return confirmed;
    });
    this.stats.relayed += published.length;
    if (published.length > 0) this.opts.onRelayed?.(published.length);
    return published.length;
  }
}
