import type { EngineContext } from '../context.js';
import type { EngineFailure } from '../errors.js';
import { readReply } from '../replies.js';

export type DropResult = { ok: true } | EngineFailure<'sales_moved'>;

/**
 * Deletes an event's live state before a rebuild, only if its sales stream's last id is still
 * `salesHead` (see lua/dropActor-7.lua): a sale or refund made since is never dropped.
 */
export async function dropActor(ctx: EngineContext, eventId: string, salesHead: string): Promise<DropResult> {
  const k = ctx.keysFor(eventId);
  if (!k) return { ok: true };
  const keys = [k.state, k.seats, k.deadlines, k.prices, k.orders, k.idempotency, k.sales];
  const reply = readReply('dropActor', await ctx.scripts.run('dropActor', keys, [salesHead]));
  return 'ok' in reply ? reply : { ok: true };
}
