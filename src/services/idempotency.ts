import { createHash } from 'node:crypto';
import type { RedisClient } from '../infra/redisClient.js';
import { globalKeys } from '../engine/keys.js';
import { SALES_RECORD_LIFETIME_MS } from '../engine/operations/trimSales.js';

export type IdempotencyRecord =
  { state: 'in_flight'; fingerprint: string } | { state: 'done'; fingerprint: string; status: number; body: unknown };

/** As long as the actor keeps the sale's own records (its idempotency record answers a retry after a crash). */
const DONE_TTL_SECONDS = SALES_RECORD_LIFETIME_MS / 1000;
/**
 * Short, so a request cut off by a crash before its sale does not block its retries for long
 * (a crash after the sale is taken over at once). Longer than a checkout may run.
 */
const IN_FLIGHT_TTL_SECONDS = 10;

/** Idempotency-Key records, per user: the first request runs, replays get its answer. */
export class IdempotencyStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  private key(userId: string, idempotencyKey: string): string {
    return globalKeys(this.prefix).idempotencyRecord(userId, createHash('sha256').update(idempotencyKey).digest('hex'));
  }

  /** Claims the key for this request, or returns the record that holds it. */
  async begin(userId: string, idempotencyKey: string, fingerprint: string): Promise<IdempotencyRecord | undefined> {
    const key = this.key(userId, idempotencyKey);
    const claimed = await this.redis.set(
      key,
      JSON.stringify({ state: 'in_flight', fingerprint }),
      'EX',
      IN_FLIGHT_TTL_SECONDS,
      'NX',
    );
    if (claimed) return undefined;
    const existing = await this.redis.get(key);
    return existing ? (JSON.parse(existing) as IdempotencyRecord) : this.begin(userId, idempotencyKey, fingerprint);
  }

  async complete(
    userId: string,
    idempotencyKey: string,
    record: Extract<IdempotencyRecord, { state: 'done' }>,
  ): Promise<void> {
    await this.redis.set(this.key(userId, idempotencyKey), JSON.stringify(record), 'EX', DONE_TTL_SECONDS);
  }

  async abandon(userId: string, idempotencyKey: string): Promise<void> {
    await this.redis.del(this.key(userId, idempotencyKey));
  }
}

export const fingerprintOf = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');
