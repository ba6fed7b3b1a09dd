import type { EngineContext } from '../context.js';
import { readIntegers } from '../replies.js';

/**
 * How long a sale's records stay in the actor after it is persisted: its stream entry, its
 * order record (a refund finds the order in Postgres afterwards) and its idempotency record
 * (a retry of the checkout finds its order). As long as the request's Idempotency-Key record
 * (src/services/idempotency.ts), so a replay within it is answered the same either way.
 */
export const SALES_RECORD_LIFETIME_MS = 24 * 60 * 60_000;

const TRIM_BATCH = 1_000;

/**
 * Removes the sales stream's entries every consumer group has persisted and that are older
 * than `cutoffMs`, with the records they wrote, one bounded batch per round trip; returns how
 * many entries went.
 */
export async function trimSales(ctx: EngineContext, eventId: string, cutoffMs: number): Promise<number> {
  const k = ctx.keysFor(eventId);
  if (!k) return 0;
  let total = 0;
  for (;;) {
    const [removed, more] = readIntegers(
      'trimSales',
      await ctx.scripts.run('trimSales', [k.sales, k.orders, k.idempotency], [Math.floor(cutoffMs), TRIM_BATCH]),
      2,
    ) as [number, number];
    total += removed;
    if (!more) return total;
  }
}
