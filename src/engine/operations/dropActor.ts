import type { EngineContext } from '../context.js';
import type { EngineFailure } from '../errors.js';
import { readReply } from '../replies.js';

/** version: the dropped actor's (0 if there was none), for the new one to start above */
export type DropResult = { ok: true; version: number } | EngineFailure<'sales_moved'>;

/**
 * Deletes an event's live state before a rebuild, only if its sales stream's last id is still
 * `salesHead` (see lua/dropActor-7.lua): a sale or refund made since is never dropped. Answers the
 * dropped actor's version, for the new actor to start above.
 */
export async function dropActor(ctx: EngineContext, eventId: string, salesHead: string): Promise<DropResult> {
  const k = ctx.keysFor(eventId);
  if (!k) return { ok: true, version: 0 };
  const keys = [k.state, k.seats, k.deadlines, k.prices, k.orders, k.idempotency, k.sales];
  const reply = readReply('dropActor', await ctx.scripts.run('dropActor', keys, [salesHead]));
  return 'ok' in reply ? reply : { ok: true, version: Number(reply.rest[0]) };
}
