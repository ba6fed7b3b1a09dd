import type { EngineContext } from '../context.js';
import type { EngineFailure } from '../errors.js';
import { readReply } from '../replies.js';

export type CloseResult = { ok: true; version: number } | EngineFailure<'event_not_found'>;

/** Cancels the event in the engine: no further holds or sales. Idempotent. */
export async function closeEvent(ctx: EngineContext, eventId: string): Promise<CloseResult> {
  const k = ctx.keysFor(eventId);
  if (!k) return { ok: false, code: 'event_not_found' };
  const reply = readReply('closeEvent', await ctx.scripts.run('closeEvent', [k.state], [k.changes]));
  if ('ok' in reply) return reply;
  return { ok: true, version: Number(reply.rest[0]) };
}
