import type { EngineContext } from '../context.js';
import type { EngineFailure } from '../errors.js';
import { readReply } from '../replies.js';

export type SeatState = 'available' | 'held' | 'sold';
const STATE_BY_BYTE: Record<string, SeatState> = { '0': 'available', '1': 'held', '2': 'sold' };

export interface SeatCounts {
  total: number;
  available: number;
  held: number;
  sold: number;
}

export interface Snapshot {
  ok: true;
  status: 'open' | 'closed';
  version: number;
  counts: SeatCounts;
  /** one character per seat in index order: '0' available, '1' held, '2' sold */
  states: string;
  stateOf(index: number): SeatState;
}

export type SnapshotResult = Snapshot | EngineFailure<'event_not_found'>;

/** Every seat's state, the version and the counts, in one round trip of O(seats) bytes. */
export async function snapshotEvent(ctx: EngineContext, eventId: string): Promise<SnapshotResult> {
  const k = ctx.keysFor(eventId);
  if (!k) return { ok: false, code: 'event_not_found' };
  const reply = readReply(
    'snapshotEvent',
    await ctx.scripts.run('snapshotEvent', [k.state, k.seats, k.deadlines], [ctx.clock.now()]),
  );
  if ('ok' in reply) return reply;
  const [status, version, total, held, sold, bytes, ...expired] = reply.rest;
  const heldNow = Number(held) - expired.length;
  let states = String(bytes);
  // Holds past their deadline are free already (lazy expiry) even before a sweep runs.
  if (expired.length > 0) {
    const chars = states.split('');
    for (const idx of expired) chars[Number(idx)] = '0';
    states = chars.join('');
  }
  return {
    ok: true,
    status: status === 'closed' ? 'closed' : 'open',
    version: Number(version),
    counts: {
      total: Number(total),
      available: Number(total) - heldNow - Number(sold),
      held: heldNow,
      sold: Number(sold),
    },
    states,
    stateOf: (index) => STATE_BY_BYTE[states[index] ?? ''] ?? 'available',
  };
}
