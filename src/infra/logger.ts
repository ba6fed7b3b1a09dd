import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs on stdout; `event` names the platform event (seat_reserved,
 * oversell_prevented, ...). Writes are buffered (4 KiB) and asynchronous so that logging a
 * busy on-sale does not block the event loop; `flushLogs` runs on shutdown.
 */
export function createLogger(level: string): Logger {
  const destination = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  return pino({ level, base: { service: 'ticketing' }, timestamp: isoTimeByMillisecond() }, destination);
}

/**
 * pino's ISO timestamp, formatted once per millisecond rather than once per line: a busy
 * process writes many lines a millisecond, and formatting the Date was about a seventh of
 * an access line's cost (0.6 of 4.2 µs, measured in a loop).
 */
export function isoTimeByMillisecond(now: () => number = Date.now): () => string {
  let lastMs = Number.NaN;
  let field = '';
  return () => {
    const ms = now();
    if (ms !== lastMs) {
      lastMs = ms;
      field = `,"time":"${new Date(ms).toISOString()}"`;
    }
    return field;
  };
}

export const silentLogger: Logger = pino({ level: 'silent' });

/** What code logging for a request needs: a line at a level, an object and an optional message (a pino Logger is one). */
export interface LineLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/**
 * The log of one request: its lines carry the request id, and the user id once known. One
 * pino child per request at most, made at its first line with both ids (the user is known
 * by then: authentication runs before any route), instead of a child for the request and
 * another for its user (docs/performance.md: about half the logging cost of a reserve).
 * Spreading the ids into each line's object costs more than a child.
 */
export class RequestLog implements LineLog {
  private child: Logger | undefined;
  private userId: string | undefined;

  constructor(
    private readonly base: Logger,
    private readonly requestId: string,
  ) {}

  /** From now on the lines carry the user's id too. */
  setUser(userId: string): void {
    this.userId = userId;
    this.child?.setBindings({ userId });
  }

  private get log(): Logger {
    this.child ??= this.base.child(
      this.userId === undefined ? { requestId: this.requestId } : { requestId: this.requestId, userId: this.userId },
    );
    return this.child;
  }

  info(obj: object, msg?: string): void {
    // Below the level nothing is written, so no child is made for it (LOG_LEVEL=warn: none per request).
    if (this.base.isLevelEnabled('info')) this.log.info(obj, msg);
  }

  warn(obj: object, msg?: string): void {
    this.log.warn(obj, msg);
  }

  error(obj: object, msg?: string): void {
    this.log.error(obj, msg);
  }
}
