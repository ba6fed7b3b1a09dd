import type { Pool } from 'pg';
import type { Clock } from '../engine/clock.js';
import type { Logger } from '../infra/logger.js';
import { Pause } from './pause.js';
import { backoffMs } from './backoff.js';
import { toMessage } from './types.js';
import { sendWebhook, type SenderOptions, type SendResult } from './webhookSender.js';
import { claimDue, recordAttempt, type DueDelivery } from './webhooks.js';

export type DeliveryResult = 'succeeded' | 'retrying' | 'failed';

export interface DeliveryWorkerOptions {
  pool: Pool;
  clock: Clock;
  log: Logger;
  sender: SenderOptions;
  /** first retry after about this long; each further one waits twice as long, up to maxRetryDelayMs */
  baseRetryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** most deliveries sent at once */
  concurrency?: number;
  pollMs?: number;
  random?: () => number;
  send?: typeof sendWebhook;
  onResult?: (result: DeliveryResult) => void;
}

/**
 * Sends due webhook deliveries and records each attempt: 2xx succeeds; anything else
 * (another status, a refused address, a timeout) is retried with exponential backoff and
 * jitter until the delivery's give-up time (24 h), then it is marked failed.
 */
export class DeliveryWorker {
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly pause = new Pause();

  constructor(private readonly opts: DeliveryWorkerOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.pause.wake();
    await this.loop;
  }

  nudge(): void {
    this.pause.wake();
  }

  private async run(): Promise<void> {
    while (this.running) {
      let sent = 0;
      try {
        sent = await this.runOnce();
      } catch (err) {
        this.opts.log.warn({ event: 'webhook_worker_failed', err: String(err) }, 'webhook delivery round failed');
      }
      if (sent === 0) await this.pause.for(this.opts.pollMs ?? 1_000);
    }
  }

  /** Sends what is due now; returns how many attempts it made. */
  async runOnce(): Promise<number> {
    const now = this.opts.clock.now();
    const leaseMs = this.opts.sender.timeoutMs * 2 + 5_000;
    const due = await claimDue(this.opts.pool, now, now + leaseMs, this.opts.concurrency ?? 16);
    await Promise.all(due.map((d) => this.attempt(d)));
    return due.length;
  }

  private async attempt(delivery: DueDelivery): Promise<void> {
    const send = this.opts.send ?? sendWebhook;
    const at = this.opts.clock.now();
    const result: SendResult = await send(
      {
        url: delivery.url,
        secret: delivery.secret,
        messageId: delivery.entry.id,
        body: JSON.stringify(toMessage(delivery.entry)),
        at: new Date(at),
      },
      this.opts.sender,
    );
    const now = this.opts.clock.now();
    const statusCode = result.statusCode ?? null;
    if (result.ok) {
      await recordAttempt(this.opts.pool, delivery.id, {
        status: 'succeeded',
        statusCode,
        error: null,
        nextAttemptAtMs: null,
        nowMs: now,
      });
      this.opts.onResult?.('succeeded');
      return;
    }
    const retry = delivery.attempts + 1;
    const next =
      now +
      backoffMs(
        retry,
        { baseMs: this.opts.baseRetryDelayMs ?? 5_000, maxMs: this.opts.maxRetryDelayMs ?? 2 * 3_600_000 },
        this.opts.random,
      );
    const giveUp = next > delivery.giveUpAt.getTime();
    await recordAttempt(this.opts.pool, delivery.id, {
      status: giveUp ? 'failed' : 'pending',
      statusCode,
      error: result.error,
      nextAttemptAtMs: giveUp ? null : next,
      nowMs: now,
    });
    this.opts.onResult?.(giveUp ? 'failed' : 'retrying');
    this.opts.log.warn(
      {
        event: 'webhook_attempt_failed',
        deliveryId: delivery.id,
        attempt: retry,
        statusCode,
        error: result.error,
        gaveUp: giveUp,
      },
      'a webhook delivery attempt failed',
    );
  }
}
