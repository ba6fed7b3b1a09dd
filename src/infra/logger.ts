import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs on stdout; `event` names the platform event (seat_reserved,
 * oversell_prevented, ...). Writes are buffered (4 KiB) and asynchronous so that logging a
 * busy on-sale does not block the event loop; `flushLogs` runs on shutdown.
 */
export function createLogger(level: string): Logger {
  const destination = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  return pino({ level, base: { service: 'ticketing' }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}

export const silentLogger: Logger = pino({ level: 'silent' });

/** What code logging for a request needs: a line at a level, an object and an optional message (a pino Logger is one). */
export interface LineLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/**
 * The log of one request: its fields (the request id, then the user id once known) go on
 * each line it writes. Fields, not a pino child logger per request: a child serializes its
 * bindings for every request, logged or not; most requests write one line (the access line).
 */
export class RequestLog implements LineLog {
  private readonly fields: { requestId: string; userId?: string };

  constructor(
    private readonly base: Logger,
    requestId: string,
  ) {
    this.fields = { requestId };
  }

  /** From now on the lines carry the user's id too. */
  setUser(userId: string): void {
    this.fields.userId = userId;
  }

  info(obj: object, msg?: string): void {
    this.base.info({ ...this.fields, ...obj }, msg);
  }

  warn(obj: object, msg?: string): void {
    this.base.warn({ ...this.fields, ...obj }, msg);
  }

  error(obj: object, msg?: string): void {
    this.base.error({ ...this.fields, ...obj }, msg);
  }
}
