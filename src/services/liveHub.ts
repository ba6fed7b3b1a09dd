import type { RedisClient } from '../infra/redisClient.js';
import type { Engine } from '../engine/engine.js';
import { redisReady } from '../infra/availability.js';
import type { Logger } from '../infra/logger.js';
import type { Metrics } from '../infra/metrics.js';
import { parseChange, type PublishedChange } from './liveChanges.js';
import { EventFeed } from './liveFeed.js';

/** Where a live client's events go: an HTTP response, as the route adapts it. */
export interface LiveSink {
  write(chunk: Buffer): void;
  /** bytes written but not yet taken by the client */
  readonly bufferedBytes: number;
  /** ends the stream after what is buffered */
  end(): void;
  /** closes the connection at once, dropping what is buffered */
  destroy(): void;
}

export interface LiveSettings {
  /** changes are coalesced and sent once per tick */
  tickMs: number;
  /** a `: ping` comment this often, so proxies and clients see the stream alive */
  pingMs: number;
  /** live connections per process; more are refused */
  maxConnections: number;
  /** a client with more than this unsent is dropped (it resumes with Last-Event-ID) */
  maxBufferedBytes: number;
  /** versions of recent changes kept per event for resumes */
  resumeVersions: number;
  /** how long streams stay open while the subscription's Redis connection is lost */
  redisGraceMs: number;
}

export const DEFAULT_LIVE_SETTINGS: LiveSettings = {
  tickMs: 250,
  pingMs: 10_000,
  maxConnections: 10_000,
  maxBufferedBytes: 256 * 1024,
  resumeVersions: 4_096,
  redisGraceMs: 3_000,
};

export interface LiveClient {
  readonly eventId: string;
  /** ends this client's stream (the route calls it when the connection closes) */
  leave(): void;
}

export type JoinResult = { ok: true; client: LiveClient } | { ok: false; reason: 'full' | 'not_found' };

interface Member {
  sink: LiveSink;
  /** the version this client has */
  version: number;
  gone: boolean;
}

interface Subscription {
  eventId: string;
  channel: string;
  feed: EventFeed;
  members: Set<Member>;
  /** joins still waiting for the first read: the subscription stays while any is pending */
  pending: number;
  /** changes that arrived during a read of the actor, applied after it */
  buffered: PublishedChange[] | undefined;
  ready: Promise<boolean>;
}

const PING = Buffer.from(': ping\n\n');
const RETRY = Buffer.from('retry: 1000\n\n');
const RETRY_READ_MS = 100;

/**
 * Live seat states for every client of this process: one Redis subscription per event,
 * shared by all its clients and dropped with the last; changes coalesced per tick into one
 * encoded message that every client receives; nothing per client touches Redis.
 */
export class LiveHub {
  private readonly subscriber: RedisClient;
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly byChannel = new Map<string, Subscription>();
  private connections = 0;
  private timers: NodeJS.Timeout[] = [];
  private graceTimer: NodeJS.Timeout | undefined;
  private lostConnection = false;
  private stopped = false;
  /** channels whose unsubscribe failed while Redis was away: dropped once it is back */
  private readonly staleChannels = new Set<string>();

  constructor(
    private readonly deps: {
      engine: Engine;
      log: Logger;
      metrics?: Pick<Metrics, 'liveConnections' | 'liveMessages' | 'liveDropped' | 'liveFanoutLag'> | undefined;
      /** rebuilds an actor Redis lost, before its subscribers read it again */
      restore?: ((eventId: string) => Promise<void>) | undefined;
    },
    readonly settings: LiveSettings = DEFAULT_LIVE_SETTINGS,
  ) {
    this.subscriber = deps.engine.newSubscriber();
    this.subscriber.on('message', (channel: string, message: string) => this.onMessage(channel, message));
    this.subscriber.on('close', () => this.onConnectionLost());
    this.subscriber.on('ready', () => this.onReady());
    this.subscriber.on('error', () => {}); // reported by 'close'; ioredis reconnects by itself
  }

  async start(): Promise<void> {
    await redisReady(this.subscriber);
    this.timers = [
      setInterval(() => this.tick(), this.settings.tickMs),
      setInterval(() => this.broadcast(PING), this.settings.pingMs),
    ];
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    clearTimeout(this.graceTimer);
    this.endAll();
    this.subscriber.disconnect();
  }

  get connectionCount(): number {
    return this.connections;
  }

  /** Bytes written to live clients and not yet taken by them: bounded by maxBufferedBytes per client. */
  get bufferedBytes(): number {
    let total = 0;
    for (const sub of this.subscriptions.values()) for (const member of sub.members) total += member.sink.bufferedBytes;
    return total;
  }

  /**
   * Adds a client to its event's feed and sends what it lacks: the changes since
   * `lastEventId` when they are still known, else a snapshot. Redis faults throw.
   */
  async join(eventId: string, lastEventId: number | undefined, sink: LiveSink): Promise<JoinResult> {
    if (this.connections >= this.settings.maxConnections) return { ok: false, reason: 'full' };
    this.connections += 1;
    const sub = this.subscriptions.get(eventId) ?? this.subscribe(eventId);
    sub.pending += 1;
    let found: boolean;
    try {
      found = await sub.ready;
    } catch (err) {
      this.connections -= 1;
      sub.pending -= 1;
      this.release(sub);
      throw err;
    }
    sub.pending -= 1;
    if (!found) {
      this.connections -= 1;
      this.release(sub);
      return { ok: false, reason: 'not_found' };
    }
    const member: Member = { sink, version: sub.feed.version, gone: false };
    sub.members.add(member);
    this.deps.metrics?.liveConnections.inc();
    sink.write(RETRY);
    const missed = lastEventId === undefined ? undefined : sub.feed.changesSince(lastEventId);
    if (missed === undefined) this.send(sub, member, sub.feed.snapshotEvent());
    else if (lastEventId! < sub.feed.version) this.send(sub, member, sub.feed.changesEvent(lastEventId!, missed));
    return { ok: true, client: { eventId, leave: () => this.leave(sub, member) } };
  }

  private subscribe(eventId: string): Subscription {
    const channel = this.deps.engine.keys(eventId)!.changes;
    const sub: Subscription = {
      eventId,
      channel,
      feed: new EventFeed(this.settings.resumeVersions),
      members: new Set(),
      pending: 0,
      buffered: [],
      ready: Promise.resolve(false),
    };
    this.subscriptions.set(eventId, sub);
    this.byChannel.set(channel, sub);
    // Subscribed before the read, so no change falls between them; earlier ones are skipped by version.
    sub.ready = this.subscriber.subscribe(channel).then(() => this.read(sub));
    return sub;
  }

  /** (Re)reads the actor's states; false when it does not exist even after a restore. */
  private async read(sub: Subscription): Promise<boolean> {
    sub.buffered ??= [];
    let states = await this.deps.engine.seatStates(sub.eventId);
    if (!states && this.deps.restore) {
      await this.deps.restore(sub.eventId);
      states = await this.deps.engine.seatStates(sub.eventId);
    }
    if (!states) return false;
    sub.feed.reset(states);
    const buffered = sub.buffered;
    sub.buffered = undefined;
    for (const change of buffered) this.applyChange(sub, change);
    return true;
  }

  private onMessage(channel: string, message: string): void {
    const sub = this.byChannel.get(channel);
    if (!sub) return;
    const change = parseChange(message);
    if (sub.buffered) {
      if (change) sub.buffered.push(change);
      return;
    }
    if (!change) this.resync(sub);
    else this.applyChange(sub, change);
  }

  private applyChange(sub: Subscription, change: PublishedChange): void {
    if (!sub.feed.apply(change, Date.now())) this.resync(sub);
  }

  /** A gap in the versions (or Redis came back): read the actor again and send every client a snapshot. */
  private resync(sub: Subscription): void {
    if (sub.buffered) return;
    sub.buffered = [];
    sub.ready = this.reread(sub, Date.now());
  }

  /** Reads until it works (the command connection may come back after the subscription), for one grace period at most. */
  private async reread(sub: Subscription, sinceMs: number): Promise<boolean> {
    for (;;) {
      try {
        const found = await this.read(sub);
        for (const member of sub.members) {
          if (found) this.send(sub, member, sub.feed.snapshotEvent());
          else this.close(sub, member, false);
        }
        return found;
      } catch (err) {
        if (this.stopped || sub.members.size === 0 || Date.now() - sinceMs > this.settings.redisGraceMs) {
          this.deps.log.warn(
            { event: 'live_resync_failed', eventId: sub.eventId, err: String(err) },
            'live feed could not read the actor',
          );
          for (const member of sub.members) this.close(sub, member, false);
          return false;
        }
        await new Promise((resolve) => setTimeout(resolve, RETRY_READ_MS));
      }
    }
  }

  /** Once per tick: every event's coalesced changes, encoded once for the clients that share a version. */
  private tick(): void {
    for (const sub of this.subscriptions.values()) {
      const { feed } = sub;
      if (sub.buffered || feed.version === feed.flushedVersion) continue;
      if (feed.pendingSinceMs !== undefined)
        this.deps.metrics?.liveFanoutLag.observe((Date.now() - feed.pendingSinceMs) / 1000);
      const events = new Map<number, Buffer>();
      for (const member of sub.members) {
        if (member.version === feed.version) continue;
        let event = events.get(member.version);
        if (!event) {
          const missed = feed.changesSince(member.version);
          event = missed ? feed.changesEvent(member.version, missed) : feed.snapshotEvent();
          events.set(member.version, event);
        }
        this.send(sub, member, event);
      }
      feed.flushedVersion = feed.version;
      feed.pendingSinceMs = undefined;
    }
  }

  private send(sub: Subscription, member: Member, event: Buffer): void {
    if (member.gone) return;
    member.sink.write(event);
    member.version = sub.feed.version;
    this.deps.metrics?.liveMessages.inc();
    if (member.sink.bufferedBytes > this.settings.maxBufferedBytes) {
      this.deps.metrics?.liveDropped.inc();
      this.close(sub, member, true);
    }
  }

  private broadcast(chunk: Buffer): void {
    for (const sub of this.subscriptions.values()) for (const member of sub.members) member.sink.write(chunk);
  }

  /** Ends a client's stream: at once for a slow one, after what is buffered otherwise. */
  private close(sub: Subscription, member: Member, drop: boolean): void {
    if (member.gone) return;
    if (drop) member.sink.destroy();
    else member.sink.end();
    this.leave(sub, member);
  }

  private leave(sub: Subscription, member: Member): void {
    if (member.gone) return;
    member.gone = true;
    sub.members.delete(member);
    this.connections -= 1;
    this.deps.metrics?.liveConnections.dec();
    this.release(sub);
  }

  /** The last client gone: the subscription goes too. */
  private release(sub: Subscription): void {
    if (sub.members.size > 0 || sub.pending > 0 || this.subscriptions.get(sub.eventId) !== sub) return;
    this.subscriptions.delete(sub.eventId);
    this.byChannel.delete(sub.channel);
    this.subscriber.unsubscribe(sub.channel).catch(() => this.staleChannels.add(sub.channel));
  }

  private endAll(): void {
    for (const sub of [...this.subscriptions.values()])
      for (const member of [...sub.members]) this.close(sub, member, false);
  }

  /** Redis gone: streams stay open for a short grace (a restart), then end so clients retry elsewhere or later. */
  private onConnectionLost(): void {
    if (this.lostConnection || this.stopped) return;
    this.lostConnection = true;
    this.deps.log.warn(
      { event: 'live_redis_lost', events: this.subscriptions.size },
      'live updates lost their Redis subscription',
    );
    this.graceTimer = setTimeout(() => {
      this.deps.log.warn(
        { event: 'live_streams_ended', connections: this.connections },
        'Redis still away: live streams ended',
      );
      this.endAll();
    }, this.settings.redisGraceMs);
  }

  /** Redis back (ioredis has subscribed again): every feed reads its actor again and its clients get a snapshot. */
  private onReady(): void {
    if (!this.lostConnection) return;
    this.lostConnection = false;
    clearTimeout(this.graceTimer);
    for (const sub of this.subscriptions.values()) this.resync(sub);
    const stale = [...this.staleChannels].filter((channel) => !this.byChannel.has(channel));
    this.staleChannels.clear();
    if (stale.length > 0) this.subscriber.unsubscribe(...stale).catch(() => {});
  }
}
