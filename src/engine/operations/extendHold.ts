import { holdLinesFrom, type EngineContext, type HoldLine } from '../context.js';
import type { EngineFailure } from '../errors.js';
import { readReply } from '../replies.js';

export type ExtendResult =
  | { ok: true; held: HoldLine[] }
  | EngineFailure<
      | 'event_not_found'
      | 'event_closed'
      | 'not_on_sale'
      | 'sales_ended'
      | 'actor_outdated'
      | 'no_active_hold'
      | 'hold_extension_used'
    >;

/** Gives every seat of the user's active hold `holdExtensionMs` more, once per hold. */
export async function extendHold(ctx: EngineContext, eventId: string, userId: string): Promise<ExtendResult> {
  const k = ctx.keysFor(eventId);
  if (!k) return { ok: false, code: 'event_not_found' };
  const reply = readReply(
    'extendHold',
    await ctx.scripts.run('extendHold', [k.state, k.deadlines], [userId, ctx.clock.now(), ctx.limits.holdExtensionMs]),
  );
  if ('ok' in reply) return reply;
  return { ok: true, held: holdLinesFrom(reply.rest.slice(1)) };
}
