import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs; `event` names the platform event (seat_reserved, oversell_prevented, ...). */
export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { service: 'ticketing' }, timestamp: pino.stdTimeFunctions.isoTime });
}

export const silentLogger: Logger = pino({ level: 'silent' });
