import { createHash, randomBytes } from 'node:crypto';
import type { RedisClient } from '../infra/redisClient.js';
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
  private subscriber: RedisClient | undefined;

  constructor(
    private readonly redis: RedisClient,
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
    // Two slots on a cluster (the session, the gauge's set): two commands, the session first.
    await this.redis.set(this.keys.session(hash), JSON.stringify(user), 'EX', TTL_SECONDS);
    await this.redis.zadd(this.keys.activeSessions, Date.now() + TTL_SECONDS * 1000, hash);
    return token;
  }

  /**
   * The session: at once when this process can tell (a malformed or revoked token has none, a
   * cached session has its user), else a promise of Redis's answer. The token is checked and
   * hashed once either way (the API gate waits only when Redis must be asked).
   */
  lookup(token: string): { user: SessionUser | undefined } | Promise<SessionUser | undefined> {
    if (!TOKEN.test(token)) return { user: undefined };
    const hash = hashOf(token);
    if (this.revoked?.has(hash)) return { user: undefined };
    const cached = this.cache?.get(hash);
    return cached ? { user: cached } : this.read(hash);
  }

  async get(token: string): Promise<SessionUser | undefined> {
    const found = this.lookup(token);
    return found instanceof Promise ? found : found.user;
  }

  private async read(hash: string): Promise<SessionUser | undefined> {
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
    // The session is gone before the announcement goes out; the gauge's set may lag.
    await this.redis.del(this.keys.session(hash));
    await Promise.all([
      this.redis.publish(this.keys.sessionRevoked, hash),
      this.redis.zrem(this.keys.activeSessions, hash),
    ]);
  }

  /** Sessions not yet expired or destroyed (for the active-sessions gauge). */
  async activeCount(): Promise<number> {
    const [, count] =
      (await this.redis
        .multi()
        .zremrangebyscore(this.keys.activeSessions, '-inf', Date.now())
        .zcard(this.keys.activeSessions)
        .exec()) ?? [];
    return Number(count?.[1] ?? 0);
  }
}
