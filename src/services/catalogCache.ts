import type { RedisClient } from '../infra/redisClient.js';
import { globalKeys } from '../engine/keys.js';

/**
 * The catalogue's shared cache in Redis: events by id and search pages by a generation
 * that every change moves on (so no page outlives a change). Its own small client: JSON
 * values with a lifetime, nothing else. Callers treat its faults as misses.
 */
export class CatalogCache {
  private readonly keys;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.keys = globalKeys(prefix);
  }

  eventKey = (eventId: string) => this.keys.eventCache(eventId);
  searchKey = (generation: string, queryHash: string) => this.keys.searchCache(generation, queryHash);

  async read<T>(key: string): Promise<T | undefined> {
    const hit = await this.redis.get(key);
    return hit ? (JSON.parse(hit) as T) : undefined;
  }

  async write(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    await this.redis.set(key, JSON.stringify(value), 'EX', ttlSeconds);
  }

  /**
   * A rendered answer and the catalogue's generation, in one round trip (one MGET: both keys
   * share the `{catalog}` slot). The answer is undefined unless it was rendered at the
   * current generation.
   */
  async readAnswer(requestHash: string): Promise<{ generation: string; body: string | undefined }> {
    const [generation, stored] = await this.redis.mget(
      this.keys.catalogGeneration,
      this.keys.catalogAnswer(requestHash),
    );
    const current = generation ?? '0';
    const cut = stored ? stored.indexOf('\n') : -1;
    return {
      generation: current,
      body: cut > 0 && stored!.slice(0, cut) === current ? stored!.slice(cut + 1) : undefined,
    };
  }

  async writeAnswer(requestHash: string, generation: string, body: string, ttlMs: number): Promise<void> {
    await this.redis.set(this.keys.catalogAnswer(requestHash), `${generation}\n${body}`, 'PX', ttlMs);
  }

  /** The search pages' generation ('0' before the first change). */
  async generation(): Promise<string> {
    return (await this.redis.get(this.keys.catalogGeneration)) ?? '0';
  }

  /** Forgets the event's copy and moves the search generation on. */
  async invalidate(eventId: string): Promise<void> {
    // The row and the search pages are separate caches (two slots on a cluster): two commands,
    // the row first. A process that sees the new generation renders its answers again and
    // reads the row for them: the old row must be gone by then.
    await this.redis.del(this.keys.eventCache(eventId));
    await this.redis.incr(this.keys.catalogGeneration);
  }
}
