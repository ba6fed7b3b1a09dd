import type { Pool } from 'pg';
import type { Clock } from '../engine/clock.js';
import type { OutboxConsumer, OutboxEntry } from './types.js';
import { fanOut } from './webhooks.js';

/** Retries go on for this long after an entry reaches a webhook. */
export const WEBHOOK_RETRY_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * Turns an entry into one pending delivery per subscribed webhook (idempotent by entry id
 * and webhook); the delivery worker sends them and keeps their log.
 */
export class WebhookConsumer implements OutboxConsumer {
  readonly name = 'webhooks';

  constructor(
    private readonly pool: Pool,
    private readonly clock: Clock,
    private readonly onNewDeliveries: () => void = () => {},
  ) {}

  async handle(entry: OutboxEntry): Promise<void> {
    const created = await fanOut(this.pool, entry, this.clock.now(), WEBHOOK_RETRY_WINDOW_MS);
    if (created > 0) this.onNewDeliveries();
  }
}
