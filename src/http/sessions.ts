import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import { globalKeys } from '../engine/keys.js';
import { redisReady } from '../infra/availability.js';
import type { Role } from '../persist/repositories/users.js';

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

const TTL_SECONDS = 24 * 60 * 60;
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Server-side sessions in Redis: a 32-byte random token; only its SHA-256 is stored, so
 * a read of Redis does not yield usable tokens. Logout deletes the session.
 *
 * Once started, a process keeps sessions it has seen for a few seconds, so an on-sale's
 * requests skip a Redis round trip each; a logout anywhere is announced on a channel and
 * every process forgets that session at once.
 */
export class SessionStore {
  private readonly keys;
  private cache: LRUCache<string, SessionUser> | undefined;
  /** sessions destroyed lately: a read racing the logout's announcement must not bring one back */
  private revoked: LRUCache<string, true> | undefined;
  private subscriber: Redis | undefined;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.keys = globalKeys(prefix);
  }

  /** Turns on the in-process cache, listening for logouts first so none is missed. */
  async start(cacheMs = 5_000): Promise<void> {
    const cache = new LRUCache<string, SessionUser>({ max: 100_000, ttl: cacheMs });
    const revoked = new LRUCache<string, true>({ max: 100_000, ttl: 4 * cacheMs });
    this.subscriber = this.redis.duplicate();
    await redisReady(this.subscriber);
    this.subscriber.on('message', (_channel, hash: string) => {
      revoked.set(hash, true);
      cache.delete(hash);
    });
    // Without the channel, a logout elsewhere would go unheard: no cache while it is down.
    this.subscriber.on('close', () => cache.clear());
    await this.subscriber.subscribe(this.keys.sessionRevoked);
    this.revoked = revoked;
    this.cache = cache;
  }

  stop(): void {
    this.subscriber?.disconnect();
    this.cache = undefined;
    this.revoked = undefined;
  }

  async create(user: SessionUser): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const hash = hashOf(token);
    await this.redis.multi()
      .set(this.keys.session(hash), JSON.stringify(user), 'EX', TTL_SECONDS)
      .zadd(this.keys.activeSessions, Date.now() + TTL_SECONDS * 1000, hash)
      .exec();
    return token;
  }

  async get(token: string): Promise<SessionUser | undefined> {
    if (!TOKEN.test(token)) return undefined;
    const hash = hashOf(token);
    if (this.revoked?.has(hash)) return undefined;
    const cached = this.cache?.get(hash);
    if (cached) return cached;
    const value = await this.redis.get(this.keys.session(hash));
    const user = value ? (JSON.parse(value) as SessionUser) : undefined;
    if (!user || this.revoked?.has(hash)) return undefined;
    if (this.subscriber?.status === 'ready') this.cache?.set(hash, user);
    return user;
  }

  async destroy(token: string): Promise<void> {
    if (!TOKEN.test(token)) return;
    const hash = hashOf(token);
    this.revoked?.set(hash, true);
    this.cache?.delete(hash);
    await this.redis.multi()
      .del(this.keys.session(hash))
      .zrem(this.keys.activeSessions, hash)
      .publish(this.keys.sessionRevoked, hash)
      .exec();
  }

  /** Sessions not yet expired or destroyed (for the active-sessions gauge). */
  async activeCount(): Promise<number> {
    const [, count] = (await this.redis.multi()
      .zremrangebyscore(this.keys.activeSessions, '-inf', Date.now())
      .zcard(this.keys.activeSessions)
      .exec()) ?? [];
    return Number(count?.[1] ?? 0);
  }
}
