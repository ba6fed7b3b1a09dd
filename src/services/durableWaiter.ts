import type { RedisClient } from '../infra/redisClient.js';
import type { Pool } from 'pg';
import { globalKeys } from '../engine/keys.js';
import { redisReady } from '../infra/availability.js';
import { DEFAULT_MAX_BACKOFF_MS } from '../persist/persister.js';

/** What a caller waits for: the sale of an order, or its refund, committed in Postgres. */
export type Durably = 'sold' | 'refunded';

/** The persister's announcements of one order id, heard from the moment it was created. */
export class Announcements {
  heard = 0;
  private readonly wakers = new Set<() => void>();

  constructor(readonly stop: () => void) {}

  announce(): void {
    this.heard += 1;
    for (const wake of this.wakers) wake();
    this.wakers.clear();
  }

  /** True at the next announcement, false after `ms` without one. */
  next(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.wakers.delete(wake);
        resolve(false);
      }, ms);
      this.wakers.add(wake);
    });
  }
}

/**
 * Lets a checkout (or a refund) wait until it is committed in Postgres: the persister
 * announces persisted order ids after each batch. A checkout listens before it takes the
 * sale, so it hears every announcement and asks Postgres only at the deadline; other
 * callers ask Postgres first. A missed announcement costs time, never correctness.
 */
export class DurableWaiter {
  private readonly listening = new Map<string, Set<Announcements>>();
  private subscriber: RedisClient | undefined;
  /** Postgres did not answer the last durability check */
  private postgresSilent = false;

  constructor(
    private readonly redis: RedisClient,
    private readonly pool: Pool,
    private readonly prefix: string,
    /** this process's persister, when it runs one: how long until its next attempt while it backs off */
    private readonly persisterNextAttemptInMs: () => number | undefined = () => undefined,
  ) {}

  async start(): Promise<void> {
    this.subscriber = this.redis.duplicate();
    await redisReady(this.subscriber);
    this.subscriber.on('message', (_channel, message: string) => {
      for (const orderId of message.split(' '))
        for (const listener of this.listening.get(orderId) ?? []) listener.announce();
    });
    await this.subscriber.subscribe(globalKeys(this.prefix).persistedChannel);
  }

  stop(): void {
    this.subscriber?.disconnect();
  }

  /** Starts hearing the order's announcements; call `stop()` on the result when done. */
  listen(orderId: string): Announcements {
    const set = this.listening.get(orderId) ?? new Set();
    const listener = new Announcements(() => {
      set.delete(listener);
      if (set.size === 0) this.listening.delete(orderId);
    });
    set.add(listener);
    this.listening.set(orderId, set);
    return listener;
  }

  async isDurable(orderId: string, what: Durably = 'sold'): Promise<boolean> {
    try {
      const { rowCount } = await this.pool.query(
        `SELECT 1 FROM orders WHERE id = $1 AND ($2 = 'sold' OR status = 'refunded')`,
        [orderId, what],
      );
      this.postgresSilent = false;
      return rowCount === 1;
    } catch (err) {
      this.postgresSilent = true;
      throw err;
    }
  }

  /**
   * When a caller whose wait timed out should come back (Retry-After), from what this process
   * knows: its persister's next attempt while it backs off (Postgres refusing); else, when
   * Postgres did not answer the last check, the longest pause of any persister between
   * attempts; else a second (the persister is writing: the order is a batch away).
   */
  retryAfterSeconds(): number {
    const nextAttempt = this.persisterNextAttemptInMs();
    if (nextAttempt !== undefined) return Math.max(1, Math.ceil(nextAttempt / 1000));
    return this.postgresSilent ? Math.ceil(DEFAULT_MAX_BACKOFF_MS / 1000) : 1;
  }

  /**
   * Resolves true once the order's sale (or refund) is in Postgres, false if not within
   * timeoutMs. `listening` is a listener made before the sale was taken: nothing about the
   * order can have been announced before it, so Postgres need not be asked first.
   */
  async wait(orderId: string, timeoutMs: number, what: Durably = 'sold', listening?: Announcements): Promise<boolean> {
    const listener = listening ?? this.listen(orderId);
    const durable = () => this.isDurable(orderId, what).catch(() => false);
    try {
      if (!listening && (await durable())) return true;
      const deadline = Date.now() + timeoutMs;
      let seen = listening ? 0 : listener.heard;
      while (true) {
        const left = deadline - Date.now();
        if (left <= 0) return durable();
        const heard = listener.heard > seen || (await listener.next(left));
        seen = listener.heard;
        // Only committed entries are announced: a sale announced is durable. A refund shares
        // its order id with the sale, so it is checked in Postgres.
        if (heard && (what === 'sold' || (await durable()))) return true;
      }
    } finally {
      if (!listening) listener.stop();
    }
  }
}
