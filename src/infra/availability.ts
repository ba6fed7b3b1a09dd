import type { RedisClient } from './redisClient.js';
import type { Logger } from './logger.js';

/** Options for the API's Redis client: fail fast instead of queueing when Redis is gone or stalls. */
export const FAIL_FAST_REDIS = {
  /** a command not answered in time fails (a paused or overloaded Redis) */
  commandTimeout: 2_000,
  /** while disconnected, commands fail at once instead of waiting in memory */
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  retryStrategy: (attempt: number) => Math.min(attempt * 100, 1_000),
} as const;

/** Waits until a fail-fast client is connected (it refuses commands before that). */
export async function redisReady(redis: RedisClient): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve) => redis.once('ready', () => resolve()));
}

/** Errors are classified by the client that raised them: see storeErrors. */
export { isDatabaseUnavailable, isRedisUnavailable } from './storeErrors.js';

/**
 * A circuit breaker on Redis, driven by a ping every `intervalMs` and by the failures
 * requests see: while Redis does not answer, writes are refused at once with a 503 instead
 * of each waiting for a timeout, and they resume by themselves when it answers again.
 */
export class RedisHealth {
  private up = true;
  private failedPings = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: RedisClient,
    private readonly log: Logger,
    private readonly intervalMs = 500,
    /** a ping slower than this counts as failed; generous, so a busy event loop does not trip it */
    private readonly pingTimeoutMs = 1_500,
  ) {}

  get isUp(): boolean {
    return this.up;
  }

  start(): void {
    this.timer = setInterval(() => void this.check(), this.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One ping: a success closes the breaker; two failures in a row open it. */
  async check(): Promise<boolean> {
    const answered = await Promise.race([
      this.redis.ping().then(
        () => true,
        () => false,
      ),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), this.pingTimeoutMs).unref()),
    ]);
    this.failedPings = answered ? 0 : this.failedPings + 1;
    if (answered) this.setUp(true);
    else if (this.failedPings >= 2) this.setUp(false);
    return this.up;
  }

  /** A request saw Redis fail (a timeout, a refused connection): open at once; the next good ping closes it. */
  reportFailure(): void {
    this.setUp(false);
  }

  private setUp(up: boolean): void {
    if (up === this.up) return;
    if (up) this.log.info({ event: 'redis_recovered' }, 'Redis answers again');
    else this.log.error({ event: 'redis_unavailable' }, 'Redis does not answer: writes are refused with 503');
    this.up = up;
  }
}
