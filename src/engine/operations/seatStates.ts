import type { EngineContext } from '../context.js';
import type { RedisClient } from '../../infra/redisClient.js';

/** The actor's seat string as the API shows it: one character per seat, a/h/s. */
export interface SeatStates {
  version: number;
  /** one character per seat in index order: 'a' available, 'h' held, 's' sold (lapsed holds stay 'h' until swept) */
  states: string;
}

/** '0' '1' '2' (the actor's bytes) to 'a' 'h' 's', in place. */
const CHAR_OF_BYTE = new Uint8Array(256);
CHAR_OF_BYTE[48] = 97;
CHAR_OF_BYTE[49] = 104;
CHAR_OF_BYTE[50] = 115;

export function seatChars(bytes: Buffer): string {
  for (let i = 0; i < bytes.length; i++) bytes[i] = CHAR_OF_BYTE[bytes[i]!]!;
  return bytes.toString('latin1');
}

/**
 * The version and the raw seat string in one atomic read (a MULTI on one slot), with no
 * per-seat work in Redis: for live seat maps, which follow the published changes from it.
 */
export async function seatStates(
  ctx: EngineContext,
  redis: RedisClient,
  eventId: string,
): Promise<SeatStates | undefined> {
  const k = ctx.keysFor(eventId);
  if (!k) return undefined;
  const replies = await redis.multi().hget(k.state, 'version').getBuffer(k.seats).exec();
  const [[, version], [, bytes]] = replies as [[unknown, string | null], [unknown, Buffer | null]];
  if (version === null || !bytes) return undefined;
  return { version: Number(version), states: seatChars(bytes) };
}

/** The actor's version alone (one HGET): enough to answer a conditional request. */
export async function seatVersion(
  ctx: EngineContext,
  redis: RedisClient,
  eventId: string,
): Promise<number | undefined> {
  const k = ctx.keysFor(eventId);
  if (!k) return undefined;
  const version = await redis.hget(k.state, 'version');
  return version === null ? undefined : Number(version);
}

/** What names one rendering of the full seat map: the version and the holds not yet lapsed. */
export interface SeatMapState {
  version: number;
  /** holds whose deadline has not passed (lapsed ones show as available on the seat map) */
  heldNow: number;
}

/**
 * The version and the count of live holds in one atomic read of three small replies (a
 * MULTI on one slot): enough to tell whether a seat map already rendered is still exact,
 * without reading the seat string. Undefined when the event has no actor.
 */
export async function seatMapState(
  ctx: EngineContext,
  redis: RedisClient,
  eventId: string,
): Promise<SeatMapState | undefined> {
  const k = ctx.keysFor(eventId);
  if (!k) return undefined;
  const replies = await redis
    .multi()
    .hget(k.state, 'version')
    .zcard(k.deadlines)
    .zcount(k.deadlines, '-inf', ctx.clock.now())
    .exec();
  const [[, version], [, holds], [, lapsed]] = replies as [
    [unknown, string | null],
    [unknown, number],
    [unknown, number],
  ];
  if (version === null) return undefined;
  return { version: Number(version), heldNow: holds - lapsed };
}
