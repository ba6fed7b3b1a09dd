import { Cluster, Redis, type ClusterNode, type ClusterOptions, type Command, type RedisOptions } from 'ioredis';
import type { Logger } from './logger.js';
import { DeadlineExceeded, storeCallStarted, tagStore, timeLeftMs } from './storeErrors.js';

/** redis://[user:password@]host:port[/db] as ioredis options. */
function parseUrl(url: string): RedisOptions {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.pathname.length > 1 ? { db: Number(u.pathname.slice(1)) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

type WriteableStream = Parameters<Redis['sendCommand']>[1];

/** How often repeated connection errors are summarised in one log line. */
const ERROR_SUMMARY_MS = 10_000;

/**
 * What our Redis clients (one node or a cluster) add to every command: its errors are
 * tagged as Redis's (see storeErrors), so an outage is classified by its source; inside a
 * request it gets only the time left of the request's one deadline, and none once that is
 * spent. Returns a promise to answer at once, or undefined to send the command.
 */
function guardCommand(command: Command, defaultTimeoutMs: number | undefined): Promise<unknown> | undefined {
  const reject = command.reject;
  command.reject = (err: Error) => reject(tagStore(err, 'redis'));
  const left = timeLeftMs();
  if (left === undefined) return undefined;
  if (left <= 0) {
    // Nothing was asked of Redis: not a Redis fault, so not tagged as one.
    reject(new DeadlineExceeded('redis'));
    return command.promise;
  }
  // Armed before ioredis arms its own commandTimeout: the first timer armed wins.
  command.setTimeout(Math.min(left, defaultTimeoutMs ?? left));
  // Marked finished as it settles (wrapping resolve and reject: no extra promise per command).
  const finished = storeCallStarted();
  const resolve = command.resolve;
  command.resolve = (value) => {
    finished();
    resolve(value);
  };
  command.reject = (err: Error) => {
    finished();
    reject(tagStore(err, 'redis'));
  };
  return undefined;
}

/**
 * Connection errors are logged once, then summarised every 10 s with a count (instead of
 * ioredis printing "Unhandled error event" per reconnect attempt); the recovery is logged.
 */
function summariseErrors(client: Redis | Cluster, log: Logger | undefined): void {
  let failures = { count: 0, last: '', since: 0 };
  let summary: NodeJS.Timeout | undefined;
  client.on('error', (err: Error) => {
    failures.count += 1;
    failures.last = err.message;
    if (failures.count > 1) return;
    failures.since = Date.now();
    log?.warn(
      { event: 'redis_connection_error', err: err.message },
      'Redis connection failed; retrying (repeats are summarised)',
    );
    summary = setInterval(() => {
      log?.warn(
        {
          event: 'redis_connection_errors',
          count: failures.count,
          last: failures.last,
          sinceMs: Date.now() - failures.since,
        },
        'Redis still unreachable',
      );
    }, ERROR_SUMMARY_MS);
    summary.unref();
  });
  client.on('ready', () => {
    clearInterval(summary);
    if (failures.count > 0) {
      log?.info(
        { event: 'redis_reconnected', failedAttempts: failures.count, downMs: Date.now() - failures.since },
        'Redis connection is back',
      );
    }
    failures = { count: 0, last: '', since: 0 };
  });
  client.on('end', () => clearInterval(summary));
}

/**
 * Commands sent in one event-loop turn leave in one write: the connection is corked at the
 * turn's first command and uncorked once the turn's I/O callbacks have run (setImmediate).
 * A write to a loopback socket is a system call that also wakes the reader, about as dear
 * here as the command itself (docs/performance.md); the 64 reserves of one busy turn then
 * cost Redis one write, not 64. Unlike ioredis's auto-pipelining, each command is still
 * sent from its own request's code, so it keeps that request's deadline (guardCommand).
 */
function corkForTheTurn(redis: Redis): void {
  const socket = redis.stream as Redis['stream'] | undefined;
  if (!socket || socket.writableCorked > 0 || !socket.writable) return;
  socket.cork();
  setImmediate(() => socket.uncork());
}

/** One Redis node, with our command guard and error summaries; `duplicate()` keeps both. */
export class StoreRedis extends Redis {
  private readonly log: Logger | undefined;

  constructor(target: string | RedisOptions, options: RedisOptions = {}, log?: Logger) {
    // ioredis parses a URL into options; the one-argument form keeps duplicate() simple.
    super(typeof target === 'string' ? { ...parseUrl(target), ...options } : { ...target, ...options });
    this.log = log;
    summariseErrors(this, log);
  }

  override duplicate(override?: Partial<RedisOptions>): StoreRedis {
    return new StoreRedis({ ...this.options, ...override }, {}, this.log);
  }

  override sendCommand(command: Command, stream?: WriteableStream): unknown {
    const early = guardCommand(command, this.options.commandTimeout);
    if (early) return early;
    if (!stream) corkForTheTurn(this);
    return super.sendCommand(command, stream);
  }
}

/** A Redis Cluster, with our command guard and error summaries; `duplicate()` keeps both. */
export class StoreCluster extends Cluster {
  constructor(
    private readonly startNodes: ClusterNode[],
    options: ClusterOptions = {},
    private readonly log?: Logger,
  ) {
    super(startNodes, options);
    summariseErrors(this, log);
    // ioredis makes each node's connection itself: its commands are corked per turn as they are sent.
    this.on('+node', (node: Redis) => {
      const send = node.sendCommand.bind(node);
      node.sendCommand = (command, stream) => {
        if (!stream) corkForTheTurn(node);
        return send(command, stream);
      };
    });
  }

  override duplicate(overrideStartupNodes?: ClusterNode[], overrideOptions?: ClusterOptions): StoreCluster {
    return new StoreCluster(overrideStartupNodes ?? this.startNodes, { ...this.options, ...overrideOptions }, this.log);
  }

  override sendCommand(command: Command, stream?: WriteableStream, node?: unknown): unknown {
    return guardCommand(command, this.options.redisOptions?.commandTimeout) ?? super.sendCommand(command, stream, node);
  }
}
