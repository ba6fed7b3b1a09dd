import type { Clock } from './clock.js';
import { eventKeys, globalKeys, isValidEventId, type EventKeys } from './keys.js';
import type { ScriptRunner } from './scripts.js';

export interface EngineLimits {
  holdTtlMs: number;
  /** how much longer a hold lasts when extended (once per hold) */
  holdExtensionMs: number;
  maxSeatsPerCall: number;
  maxSeatsPerUser: number;
  sweepBatch: number;
}

export const DEFAULT_LIMITS: EngineLimits = {
  holdTtlMs: 10 * 60_000,
  holdExtensionMs: 5 * 60_000,
  maxSeatsPerCall: 6,
  maxSeatsPerUser: 6,
  sweepBatch: 500,
};

/** What every operation wrapper needs: scripts, key names, time and limits. */
export class EngineContext {
  readonly global: ReturnType<typeof globalKeys>;

  constructor(
    readonly scripts: ScriptRunner,
    readonly prefix: string,
    readonly clock: Clock,
    readonly limits: EngineLimits,
  ) {
    this.global = globalKeys(prefix);
  }

  /** The keys of an event, or undefined for an id that cannot name one. */
  keysFor(eventId: string): EventKeys | undefined {
    return isValidEventId(eventId) ? eventKeys(this.prefix, eventId) : undefined;
  }
}

/** A held or sold seat as the engine reports it. */
export interface SeatLine {
  index: number;
  priceCents: number;
}

export interface HoldLine {
  index: number;
  deadlineMs: number;
}

export interface HeldSeat extends SeatLine, HoldLine {}

export function holdLinesFrom(values: unknown[]): HoldLine[] {
  const seats: HoldLine[] = [];
  for (let i = 0; i + 1 < values.length; i += 2) {
    seats.push({ index: Number(values[i]), deadlineMs: Number(values[i + 1]) });
  }
  return seats;
}

export function heldSeatsFrom(values: unknown[]): HeldSeat[] {
  const seats: HeldSeat[] = [];
  for (let i = 0; i + 2 < values.length; i += 3) {
    seats.push({ index: Number(values[i]), deadlineMs: Number(values[i + 1]), priceCents: Number(values[i + 2]) });
  }
  return seats;
}

export function seatLinesFrom(values: unknown[]): SeatLine[] {
  const seats: SeatLine[] = [];
  for (let i = 0; i + 1 < values.length; i += 2) {
    seats.push({ index: Number(values[i]), priceCents: Number(values[i + 1]) });
  }
  return seats;
}
