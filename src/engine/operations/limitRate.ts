import type { EngineContext } from '../context.js';
import { EngineProtocolError } from '../errors.js';
import type { EventKeys } from '../keys.js';
import { readIntegers, readReply, type StatusScript } from '../replies.js';

export interface RateDecision {
  allowed: boolean;
  limit: number;
  /** requests left in the window (0 when limited) */
  remaining: number;
  /** ms until the caller may retry (limited only) */
  retryAfterMs: number;
  /** ms until the bucket is full again */
  resetMs: number;
}

/**
 * A rate limit applied by an operation's own script, in the same round trip as the
 * operation (includes/rateLimit.lua): the endpoint class and its limit. The limiter is the
 * user's for that class in the event (src/engine/keys.ts, `rateLimit`).
 */
export interface RateLimit {
  endpointClass: string;
  limit: number;
  periodMs: number;
}

/** One request against a GCRA limiter of `limit` per `periodMs`, keyed by endpoint class and caller. */
export async function limitRate(
  ctx: EngineContext,
  endpointClass: string,
  caller: string,
  limit: number,
  periodMs: number,
): Promise<RateDecision> {
  const [allowed, value, resetMs] = readIntegers(
    'limitRate',
    await ctx.scripts.run(
      'limitRate',
      [ctx.global.rateLimit(endpointClass, caller)],
      [ctx.clock.now(), limit, periodMs],
    ),
    3,
  ) as [number, number, number];
  return allowed === 1
    ? { allowed: true, limit, remaining: value, retryAfterMs: 0, resetMs }
    : { allowed: false, limit, remaining: 0, retryAfterMs: value, resetMs };
}

/** An operation's result with its limiter's decision, when the call had a limit. */
export type Rated<T> = T & { rate?: RateDecision | undefined };

/** The limiter key and the two rate arguments a rated script takes; a limit of 0 when there is none. */
export function rateArgs(k: EventKeys, userId: string, rate: RateLimit | undefined) {
  return { key: k.rateLimit(rate?.endpointClass ?? 'none', userId), args: [rate?.limit ?? 0, rate?.periodMs ?? 0] };
}

/** What a rated script answered: the operation's own reply, and the limiter's decision (none without a limit). */
export type RatedReply<S extends StatusScript> =
  | { reply: ReturnType<typeof readReply<S>>; rate: RateDecision | undefined }
  | { reply: { ok: false; code: 'rate_limited' }; rate: RateDecision };

/**
 * Reads a rated script's reply (includes/rateLimit.lua): {'rate_limited', retryAfterMs,
 * resetMs}, or the script's own reply with the limiter's remaining and resetMs after its
 * status; the rest goes through readReply and its protocol.
 */
export function readRated<S extends StatusScript>(script: S, raw: unknown, rate: RateLimit | undefined): RatedReply<S> {
  if (!Array.isArray(raw) || typeof raw[0] !== 'string' || !Number.isInteger(raw[1]) || !Number.isInteger(raw[2])) {
    throw new EngineProtocolError(script, raw);
  }
  const [status, first, resetMs, ...rest] = raw as [string, number, number, ...unknown[]];
  if (status === 'rate_limited') {
    if (!rate || rest.length > 0) throw new EngineProtocolError(script, raw);
    return {
      reply: { ok: false, code: 'rate_limited' },
      rate: { allowed: false, limit: rate.limit, remaining: 0, retryAfterMs: first, resetMs },
    };
  }
  const decision =
    rate && first >= 0 ? { allowed: true, limit: rate.limit, remaining: first, retryAfterMs: 0, resetMs } : undefined;
  return { reply: readReply(script, [status, ...rest]), rate: decision };
}
