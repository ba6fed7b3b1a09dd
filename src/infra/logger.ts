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
