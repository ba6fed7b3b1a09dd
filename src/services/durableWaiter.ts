import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import { globalKeys } from '../engine/keys.js';

/**
 * Lets a checkout wait until its sale is committed in Postgres: the persister announces
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
    this.subscriber.on('message', (_channel, message: string) => {
      for (const orderId of message.split(' ')) for (const wake of this.waiting.get(orderId) ?? []) wake();
    });
    await this.subscriber.subscribe(globalKeys(this.prefix).persistedChannel);
  }

  stop(): void {
    this.subscriber?.disconnect();
  }

  async isDurable(orderId: string): Promise<boolean> {
    return (await this.pool.query('SELECT 1 FROM orders WHERE id = $1', [orderId])).rowCount === 1;
  }

  /** Resolves true once the order is in Postgres, false if it is not within timeoutMs. */
  async wait(orderId: string, timeoutMs: number): Promise<boolean> {
    let wake!: () => void;
    const announced = new Promise<boolean>((resolve) => {
      wake = () => resolve(true);
    });
    const wakers = this.waiting.get(orderId) ?? new Set();
    wakers.add(wake);
    this.waiting.set(orderId, wakers);
    let timer: NodeJS.Timeout | undefined;
    try {
      if (await this.isDurable(orderId).catch(() => false)) return true;
      const timedOut = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      if (await Promise.race([announced, timedOut])) return true;
      return await this.isDurable(orderId).catch(() => false);
    } finally {
      clearTimeout(timer);
      wakers.delete(wake);
      if (wakers.size === 0) this.waiting.delete(orderId);
    }
  }
}
