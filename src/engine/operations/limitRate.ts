import type { EngineContext } from '../context.js';
import { readIntegers } from '../replies.js';

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

/** One request against a GCRA limiter of `limit` per `periodMs`, keyed by endpoint class and caller. */
export async function limitRate(
  ctx: EngineContext,
  endpointClass: string,
  caller: string,
  limit: number,
  periodMs: number,
): Promise<RateDecision> {
  const [allowed, value, resetMs] = readIntegers('limitRate', await ctx.scripts.run(
    'limitRate', [ctx.global.rateLimit(endpointClass, caller)], [ctx.clock.now(), limit, periodMs],
  ), 3) as [number, number, number];
  return allowed === 1
    ? { allowed: true, limit, remaining: value, retryAfterMs: 0, resetMs }
    : { allowed: false, limit, remaining: 0, retryAfterMs: value, resetMs };
}
