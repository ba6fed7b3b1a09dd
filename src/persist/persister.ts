import { failpoint } from '../infra/failpoints.js';
import { systemClock, type Clock } from '../engine/clock.js';
import { hostname } from 'node:os';
import type { Pool } from 'pg';
import { createEngine, type Engine } from '../engine/engine.js';
import { eventIdOfKey, eventKeys, globalKeys } from '../engine/keys.js';
import { SALES_RECORD_LIFETIME_MS } from '../engine/operations/trimSales.js';
import type { Logger } from '../infra/logger.js';
import { applyBatch, type BatchOutcome } from './applyBatch.js';
import { parseSalesEntry, type RawEntry, type SalesEntry } from '../engine/records.js';
import { CONSUMER_GROUP } from '../engine/salesBacklog.js';
import { redisReady } from '../infra/availability.js';
import { processAlive } from '../infra/processes.js';
import { pipelinePerNode, type RedisClient } from '../infra/redisClient.js';

export interface PersisterOptions {
  redis: RedisClient;
  pool: Pool;
  log: Logger;
  prefix?: string;
  consumer?: string;
  /** most entries in one Postgres transaction */
  batchSize?: number;
  /** how long an idle persister waits before looking again without a wake-up */
  pollMs?: number;
  /** entries pending this long at another consumer are taken over (a dead persister) */
  claimIdleMs?: number;
  /** longest pause between retries while Postgres is down */
  maxBackoffMs?: number;
  /** write outbox entries with each batch (the default; off only to measure their cost) */
  announce?: boolean;
  /** when to look for a dead consumer's entries and what to trim (injected in tests) */
  clock?: Clock;
  /** how long persisted entries and their records stay in the actor (default: a day, the Idempotency-Key's lifetime) */
  recordLifetimeMs?: number;
  /** how often the streams are trimmed */
  trimEveryMs?: number;
}

export interface PersisterStats {
  persisted: number;
  batches: number;
  deadLettered: number;
  oversellsPrevented: number;
  failures: number;
  lastBatchMs: number;
  lastBatchSize: number;
  /** stream entries removed (persisted and past their lifetime), with their records */
  trimmed: number;
}

/** The longest pause between a failed batch and the next attempt (Postgres down), unless configured. */
export const DEFAULT_MAX_BACKOFF_MS = 5_000;

/** Crash tests: PERSISTER_FAILPOINT=before_commit|after_commit kills the process there. */
const crashAt = (name: 'before_commit' | 'after_commit') => failpoint('PERSISTER_FAILPOINT', name);

/**
 * Drains every event's sales stream into Postgres (write-behind). Consumer-group reads,
 * one transaction per batch, XACK only after commit, dead consumers' entries reclaimed,
 * and a notice on the persisted channel after each batch so checkouts can answer 201.
 */
export class Persister {
  readonly stats: PersisterStats = {
    persisted: 0,
    batches: 0,
    deadLettered: 0,
    oversellsPrevented: 0,
    failures: 0,
    lastBatchMs: 0,
    lastBatchSize: 0,
    trimmed: 0,
  };
  private readonly engine: Engine;
  private lastTrimMs = 0;
  private readonly redis: RedisClient;
  private subscriber: RedisClient | undefined;
  private readonly prefix: string;
  private readonly consumer: string;
  private readonly batchSize: number;
  private readonly pollMs: number;
  private readonly claimIdleMs: number;
  private readonly maxBackoffMs: number;
  private readonly groups = new Set<string>();
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private lastClaimMs = 0;
  /** while batches fail: when the next attempt is due (wall clock, as the pause is a timer) */
  private nextAttemptAtMs: number | undefined;
  /** after a failed batch, this consumer's own pending entries are read again first */
  private retryOwnPending = true;
  private readonly clock: Clock;
  /** streams a sale or refund was announced on since they were last read for new entries */
  private readonly announced = new Set<string>();
  /** when every stream was last read for new entries (a timer's time, like the poll's) */
  private lastFullReadAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly opts: PersisterOptions) {
    this.redis = opts.redis;
    this.prefix = opts.prefix ?? 'tk:';
    this.consumer = opts.consumer ?? consumerName(process.pid);
    this.batchSize = opts.batchSize ?? 500;
    this.pollMs = opts.pollMs ?? 250;
    this.claimIdleMs = opts.claimIdleMs ?? 30_000;
    this.maxBackoffMs = opts.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS;
    this.clock = opts.clock ?? systemClock;
    this.engine = createEngine({ redis: this.redis, prefix: this.prefix, clock: this.clock });
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.subscriber = this.redis.duplicate();
    await redisReady(this.subscriber);
    this.subscriber.on('message', (_channel, streamKey: string) => {
      this.announced.add(streamKey);
      this.wake?.();
    });
    await this.subscriber.subscribe(globalKeys(this.prefix).salesChannel);
    this.loop = this.run();
  }

  /**
   * Reads this consumer's pending entries again at once: after a Redis failover, entries it
   * acknowledged on the lost master may be pending again on the new one.
   */
  recheckPending(): void {
    this.retryOwnPending = true;
    this.lastClaimMs = 0;
    this.wake?.();
  }

  /**
   * While batches fail (Postgres down or refusing): how long until the next attempt, so a
   * caller waiting for a sale to be recorded can be told when to come back; undefined while
   * batches succeed.
   */
  nextAttemptInMs(): number | undefined {
    return this.nextAttemptAtMs === undefined ? undefined : Math.max(0, this.nextAttemptAtMs - Date.now());
  }

  /** Finishes the batch in flight, then stops. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.subscriber?.disconnect();
    this.subscriber = undefined;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        const count = await this.drainOnce();
        failures = 0;
        this.nextAttemptAtMs = undefined;
        await this.trimWhenDue();
        // A sale announced while this round read nothing would otherwise wait a whole poll.
        if (count === 0 && this.announced.size === 0) await this.idle(this.pollMs);
      } catch (err) {
        failures += 1;
        this.stats.failures += 1;
        this.retryOwnPending = true;
        const delay = Math.min(this.maxBackoffMs, 50 * 2 ** Math.min(failures, 10));
        this.nextAttemptAtMs = Date.now() + delay;
        this.opts.log.warn({ event: 'persister_retry', err: String(err), delayMs: delay }, 'persister batch failed');
        await this.idle(delay);
      }
    }
  }

  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private async streams(): Promise<string[]> {
    const eventIds = await this.redis.smembers(globalKeys(this.prefix).events);
    const keys = eventIds.map((id) => eventKeys(this.prefix, id).sales);
    for (const key of keys) {
      if (this.groups.has(key)) continue;
      try {
        await this.redis.xgroup('CREATE', key, CONSUMER_GROUP, '0', 'MKSTREAM');
      } catch (err) {
        if (!String(err).includes('BUSYGROUP')) throw err;
      }
      this.groups.add(key);
    }
    return keys;
  }

  private async trimWhenDue(): Promise<void> {
    if (this.clock.now() - this.lastTrimMs < (this.opts.trimEveryMs ?? 60_000)) return;
    this.lastTrimMs = this.clock.now();
    try {
      await this.trimStreams();
    } catch (err) {
      this.opts.log.warn(
        { event: 'stream_trim_failed', err: String(err) },
        'trimming the sales streams failed; next time',
      );
    }
  }

  /**
   * Trims every event's sales stream up to what every consumer group has persisted (XTRIM
   * MINID, never MAXLEN), keeping the entries and the records they wrote for their lifetime:
   * Redis holds a day of sales, not every sale ever. Returns how many entries went.
   */
  async trimStreams(): Promise<number> {
    const cutoff = this.clock.now() - (this.opts.recordLifetimeMs ?? SALES_RECORD_LIFETIME_MS);
    let trimmed = 0;
    for (const eventId of await this.engine.liveEventIds()) trimmed += await this.engine.trimSales(eventId, cutoff);
    this.stats.trimmed += trimmed;
    return trimmed;
  }

  /** Reads what is waiting (new entries, or a dead consumer's), persists it; returns how many entries. */
  async drainOnce(): Promise<number> {
    const keys = await this.streams();
    if (keys.length === 0) return 0;
    const entries: SalesEntry[] = [];
    if (this.clock.now() - this.lastClaimMs >= Math.min(this.claimIdleMs, 5_000)) {
      this.lastClaimMs = this.clock.now();
      entries.push(...(await this.claim(keys)));
    }
    if (this.retryOwnPending) {
      const own = await this.read(keys, '0');
      entries.push(...own);
      // Keep re-reading own pending entries while they fill whole batches; deferred refunds
      // left pending go back to the XAUTOCLAIM path.
      this.retryOwnPending = own.length >= this.batchSize;
    }
    if (entries.length < this.batchSize) {
      const fresh = await this.read(this.streamsWithNews(keys), '>');
      this.rereadFullStreams(fresh);
      entries.push(...fresh);
    }
    if (entries.length === 0) return 0;
    // an entry just claimed is also among this consumer's own pending ones: once in a batch
    const batch = [...new Map(entries.map((e) => [`${e.streamKey} ${e.streamId}`, e])).values()];
    batch.sort((a, b) =>
      a.streamKey === b.streamKey ? compareIds(a.streamId, b.streamId) : a.streamKey < b.streamKey ? -1 : 1,
    );
    const started = performance.now();
    const outcome = await applyBatch(this.opts.pool, batch, () => crashAt('before_commit'), {
      announce: this.opts.announce ?? true,
    });
    crashAt('after_commit');
    await this.acknowledge(outcome);
    this.stats.batches += 1;
    this.stats.persisted += outcome.persisted.length;
    this.stats.lastBatchMs = performance.now() - started;
    this.stats.lastBatchSize = batch.length;
    return batch.length;
  }

  /**
   * The streams to read for new entries: those a sale or refund was announced on since their
   * last read, while this persister hears the sales channel; all of them at least every
   * `pollMs`, since an announcement can be missed (a reconnect), and always when it does not
   * listen (a `drainOnce` of its own). One hot event among thousands on sale is then one read
   * per round, not thousands.
   */
  private streamsWithNews(keys: string[]): string[] {
    const now = performance.now();
    if (this.subscriber?.status !== 'ready' || now - this.lastFullReadAt >= this.pollMs) {
      this.lastFullReadAt = now;
      this.announced.clear();
      return keys;
    }
    const wanted = keys.filter((key) => this.announced.has(key));
    this.announced.clear();
    return wanted;
  }

  /** A stream that filled a whole read may hold more: it is read again next round, announced or not. */
  private rereadFullStreams(entries: SalesEntry[]): void {
    const perStream = new Map<string, number>();
    for (const e of entries) perStream.set(e.streamKey, (perStream.get(e.streamKey) ?? 0) + 1);
    for (const [key, count] of perStream) if (count >= this.batchSize) this.announced.add(key);
  }

  /**
   * `>`: entries never delivered; `0`: entries delivered to this consumer and not acknowledged.
   * One XREADGROUP per stream (a cluster refuses one over several slots), one pipeline per node.
   */
  private async read(keys: string[], from: '>' | '0'): Promise<SalesEntry[]> {
    const read = (streamKeys: string[]) =>
      pipelinePerNode(this.redis, streamKeys, (pipeline, key) =>
        pipeline.xreadgroup('GROUP', CONSUMER_GROUP, this.consumer, 'COUNT', this.batchSize, 'STREAMS', key, from),
      );
    const replies = await read(keys);
    const lost = keys.filter((key) => isNoGroup(replies.get(key)?.[0]));
    if (lost.length > 0) {
      // Redis lost these streams with their group (flushed, a new instance, a failover): the
      // other streams' entries are delivered already and are kept; these are read again.
      for (const key of lost) this.groups.delete(key);
      const current = new Set(await this.streams());
      for (const key of lost) replies.delete(key);
      for (const [key, reply] of await read(lost.filter((k) => current.has(k)))) replies.set(key, reply);
    }
    const entries: SalesEntry[] = [];
    for (const [key, [err, reply]] of replies) {
      if (err) throw err;
      for (const [, raw] of (reply as [string, RawEntry[]][] | null) ?? []) {
        for (const r of raw) if (r[1] !== null) entries.push(parseSalesEntry(key, r));
      }
    }
    return entries;
  }

  /**
   * Entries of a dead persister, taken over: at once from a consumer of this host whose
   * process is gone (an API or persister restarted here after a crash), and from any other
   * once they have been pending `claimIdleMs` (a consumer elsewhere may just be slow).
   */
  private async claim(keys: string[]): Promise<SalesEntry[]> {
    const entries = await this.claimFromGone(keys);
    if (entries.length >= this.batchSize) return entries;
    entries.push(...(await this.claimIdle(keys)));
    return entries;
  }

  /**
   * Consumers named for a process of this host that no longer runs: their pending entries are
   * claimed now (XCLAIM, no idle time), and a consumer with none left is removed from the group.
   */
  private async claimFromGone(keys: string[]): Promise<SalesEntry[]> {
    const consumers = await pipelinePerNode(this.redis, keys, (pipeline, key) =>
      pipeline.xinfo('CONSUMERS', key, CONSUMER_GROUP),
    );
    const entries: SalesEntry[] = [];
    for (const [key, [err, reply]] of consumers) {
      if (err) continue; // NOGROUP: a stream not read yet
      for (const consumer of (reply as unknown[][]).map(fieldsOf)) {
        const name = String(consumer.name);
        if (name === this.consumer || !isGoneLocalConsumer(name)) continue;
        if (Number(consumer.pending) === 0) {
          await this.redis.xgroup('DELCONSUMER', key, CONSUMER_GROUP, name);
          continue;
        }
        const pending = (await this.redis.xpending(
          key,
          CONSUMER_GROUP,
          '-',
          '+',
          this.batchSize - entries.length,
          name,
        )) as [string, ...unknown[]][];
        const ids = pending.map(([id]) => id);
        if (ids.length === 0) continue;
        const claimed = (await this.redis.xclaim(key, CONSUMER_GROUP, this.consumer, 0, ...ids)) as RawEntry[];
        for (const r of claimed) if (r[1] !== null) entries.push(parseSalesEntry(key, r));
        // all of them are this consumer's now: the gone one leaves the group
        if (ids.length === Number(consumer.pending)) await this.redis.xgroup('DELCONSUMER', key, CONSUMER_GROUP, name);
        this.opts.log.warn(
          { event: 'persister_claimed', from: name, stream: key, entries: ids.length },
          'took over the entries of a persister that is gone',
        );
        if (entries.length >= this.batchSize) return entries;
      }
    }
    return entries;
  }

  /** Entries pending too long at another consumer (a dead persister), taken over: one pipeline per node. */
  private async claimIdle(keys: string[]): Promise<SalesEntry[]> {
    const replies = await pipelinePerNode(this.redis, keys, (pipeline, key) =>
      pipeline.xautoclaim(key, CONSUMER_GROUP, this.consumer, this.claimIdleMs, '0-0', 'COUNT', this.batchSize),
    );
    const entries: SalesEntry[] = [];
    for (const [key, [err, reply]] of replies) {
      if (isNoGroup(err)) this.groups.delete(key);
      else if (err) throw err;
      else
        for (const r of (reply as [string, RawEntry[], string[]])[1])
          if (r[1] !== null) entries.push(parseSalesEntry(key, r));
    }
    return entries;
  }

  /**
   * Acknowledges a batch: per stream, one MULTI (its dead letters and its XACK, one slot),
   * the streams in parallel; then the persisted orders are announced.
   */
  private async acknowledge(outcome: BatchOutcome): Promise<void> {
    const byStream = new Map<string, { dead: BatchOutcome['dead']; ids: string[] }>();
    const forStream = (key: string) => byStream.get(key) ?? byStream.set(key, { dead: [], ids: [] }).get(key)!;
    for (const dead of outcome.dead) {
      forStream(dead.entry.streamKey).dead.push(dead);
      forStream(dead.entry.streamKey).ids.push(dead.entry.streamId);
    }
    for (const entry of outcome.persisted) forStream(entry.streamKey).ids.push(entry.streamId);
    await Promise.all(
      [...byStream].map(([streamKey, { dead, ids }]) => {
        const tx = this.redis.multi();
        for (const { entry, reason } of dead) {
          tx.xadd(
            eventKeys(this.prefix, eventOf(entry)).deadLetter,
            '*',
            'stream_id',
            entry.streamId,
            'reason',
            reason,
            'entry',
            JSON.stringify(entry),
          );
        }
        tx.xack(streamKey, CONSUMER_GROUP, ...ids);
        return tx.exec();
      }),
    );
    for (const dead of outcome.dead) this.logDead(dead);
    const orders = outcome.persisted.map((e) => (e.kind === 'malformed' ? '' : e.orderId)).filter(Boolean);
    if (orders.length > 0) await this.redis.publish(globalKeys(this.prefix).persistedChannel, orders.join(' '));
    // An event sold out (or back on sale): cached status searches are now wrong.
    if (outcome.soldOutChanged.length > 0) await this.redis.incr(globalKeys(this.prefix).catalogGeneration);
  }

  private logDead({ entry, reason, oversell }: BatchOutcome['dead'][number]): void {
    this.stats.deadLettered += 1;
    if (oversell) {
      this.stats.oversellsPrevented += 1;
      this.opts.log.error(
        { event: 'oversell_prevented', entry },
        'a sale for an already sold seat was refused by Postgres',
      );
    } else {
      this.opts.log.error({ event: 'sale_dead_lettered', entry, reason }, 'a sales entry was refused by Postgres');
    }
  }
}

/** A persister's name in the consumer group: this host and its pid, so a restart here can tell a gone one. */
const consumerName = (pid: number) => `${hostname()}-${pid}`;

function isGoneLocalConsumer(name: string): boolean {
  const prefix = `${hostname()}-`;
  if (!name.startsWith(prefix)) return false;
  const pid = Number(name.slice(prefix.length));
  return Number.isInteger(pid) && pid > 0 && pid !== process.pid && !processAlive(pid);
}

function fieldsOf(flat: unknown[]): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) record[String(flat[i])] = flat[i + 1];
  return record;
}

const isNoGroup = (err: unknown) => err instanceof Error && err.message.includes('NOGROUP');

function eventOf(entry: SalesEntry): string {
  return entry.kind === 'malformed' ? (eventIdOfKey(entry.streamKey) ?? 'unknown') : entry.eventId;
}

function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(BigInt) as [bigint, bigint];
  const [bm, bs] = b.split('-').map(BigInt) as [bigint, bigint];
  return am === bm ? (as < bs ? -1 : as > bs ? 1 : 0) : am < bm ? -1 : 1;
}
