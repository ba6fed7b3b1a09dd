import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import { globalKeys } from '../engine/keys.js';
import { redisReady } from '../infra/availability.js';

/** What a caller waits for: the sale of an order, or its refund, committed in Postgres. */
export type Durably = 'sold' | 'refunded';

/**
 * Lets a checkout (or a refund) wait until it is committed in Postgres: the persister announces
 * persisted order ids after each batch; Postgres itself is asked before and after waiting,
 * so a missed announcement costs time, never correctness.
 */
export class DurableWaiter {
  private readonly waiting = new Map<string, Set<() => void>>();
  private subscriber: Redis | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly pool: Pool,
    private readonly prefix: string,
  ) {}

  async start(): Promise<void> {
    this.subscriber = this.redis.duplicate();
    await redisReady(this.subscriber);
    this.subscriber.on('message', (_channel, message: string) => {
      for (const orderId of message.split(' ')) for (const wake of this.waiting.get(orderId) ?? []) wake();
    });
    await this.subscriber.subscribe(globalKeys(this.prefix).persistedChannel);
  }

  stop(): void {
    this.subscriber?.disconnect();
  }

  async isDurable(orderId: string, what: Durably = 'sold'): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `SELECT 1 FROM orders WHERE id = $1 AND ($2 = 'sold' OR status = 'refunded')`, [orderId, what]);
    return rowCount === 1;
  }

  /**
   * Resolves true once the order's sale (or refund) is in Postgres, false if not within
   * timeoutMs. Each announcement of the order id prompts a check.
   */
  async wait(orderId: string, timeoutMs: number, what: Durably = 'sold'): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    let wake: () => void = () => {};
    const wakers = this.waiting.get(orderId) ?? new Set();
    const onAnnounce = () => wake();
    wakers.add(onAnnounce);
    this.waiting.set(orderId, wakers);
    try {
      while (true) {
        const announced = new Promise<void>((resolve) => {
          wake = resolve;
        });
        if (await this.isDurable(orderId, what).catch(() => false)) return true;
        const left = deadline - Date.now();
        if (left <= 0) return false;
        let timer: NodeJS.Timeout | undefined;
        const heard = await Promise.race([
          announced.then(() => true),
          new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), left))),
        ]);
        clearTimeout(timer);
        // The persister announces only committed entries: a sale announced is durable. A refund
        // shares its order id with the sale, so it is checked in Postgres.
        if (heard && what === 'sold') return true;
      }
    } finally {
      wakers.delete(onAnnounce);
      if (wakers.size === 0) this.waiting.delete(orderId);
    }
  }
}
