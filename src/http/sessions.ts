import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { globalKeys } from '../engine/keys.js';
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
 */
export class SessionStore {
  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.keys = globalKeys(prefix);
  }

  private readonly keys;

  private key(token: string): string {
    return this.keys.session(hashOf(token));
  }

  async create(user: SessionUser): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.redis.multi()
      .set(this.key(token), JSON.stringify(user), 'EX', TTL_SECONDS)
      .zadd(this.keys.activeSessions, Date.now() + TTL_SECONDS * 1000, hashOf(token))
      .exec();
    return token;
  }

  async get(token: string): Promise<SessionUser | undefined> {
    if (!TOKEN.test(token)) return undefined;
    const value = await this.redis.get(this.key(token));
    return value ? (JSON.parse(value) as SessionUser) : undefined;
  }

  async destroy(token: string): Promise<void> {
    if (TOKEN.test(token)) await this.redis.multi().del(this.key(token)).zrem(this.keys.activeSessions, hashOf(token)).exec();
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
