import type { EngineContext } from '../context.js';
import { readIntegers } from '../replies.js';

/** Frees every expired hold of the event, one bounded batch per round trip. */
export async function sweepHolds(ctx: EngineContext, eventId: string): Promise<number> {
  const k = ctx.keysFor(eventId);
  if (!k) return 0;
  let total = 0;
  for (;;) {
    const [freed, more] = readIntegers(
      'sweepHolds',
      await ctx.scripts.run(
        'sweepHolds',
        [k.state, k.seats, k.deadlines],
        [k.changes, ctx.clock.now(), ctx.limits.sweepBatch],
      ),
      2,
    ) as [number, number];
    total += freed;
    if (!more) return total;
  }
}
