import type { SeatCounts } from '../engine/operations/snapshotEvent.js';

/** A seat's state as the live API shows it: available, held, sold. */
export type SeatChar = 'a' | 'h' | 's';
export type SeatChange = [index: number, state: SeatChar];

/** One change of the actor as published on its channel. */
export interface PublishedChange {
  version: number;
  kind: string;
  seats: SeatChange[];
}

const GROUP = /^([ahs]):(\d+(?:,\d+)*)$/;

/**
 * Reads "<version> <kind>[ a:<idx>,...][ h:...][ s:...]" (see lua/includes/commitChange.lua);
 * undefined for anything else, which the reader treats as a gap.
 */
export function parseChange(message: string): PublishedChange | undefined {
  const parts = message.split(' ');
  const version = Number(parts[0]);
  const kind = parts[1];
  if (!Number.isSafeInteger(version) || !kind) return undefined;
  const seats: SeatChange[] = [];
  for (let i = 2; i < parts.length; i++) {
    const group = GROUP.exec(parts[i]!);
    if (!group) return undefined;
    const state = group[1] as SeatChar;
    for (const index of group[2]!.split(',')) seats.push([Number(index), state]);
  }
  return { version, kind, seats };
}

/** Counts of a states string (one pass; done once per version, never per request). */
export function countStates(states: string): SeatCounts {
  let held = 0;
  let sold = 0;
  for (let i = 0; i < states.length; i++) {
    const c = states.charCodeAt(i);
    if (c === 104) held += 1;
    else if (c === 115) sold += 1;
  }
  return { total: states.length, available: states.length - held - sold, held, sold };
}

/** The net effect of consecutive changes: each seat once, with its last state. */
export function mergeChanges(changes: Iterable<readonly SeatChange[]>): SeatChange[] {
  const last = new Map<number, SeatChar>();
  for (const seats of changes) for (const [index, state] of seats) last.set(index, state);
  return [...last];
}

/** One server-sent event, encoded once and written to every client that needs it. */
export function sseEvent(id: number, event: 'snapshot' | 'changes', data: unknown): Buffer {
  return Buffer.from(`id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}
