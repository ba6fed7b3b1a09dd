import type { EngineContext } from '../context.js';
import type { EngineFailure } from '../errors.js';
import { readReply } from '../replies.js';
import { versionFloor } from '../versions.js';

export interface EventInventory {
  eventId: string;
  /** price of each seat, in seat index order */
  seatPricesCents: readonly number[];
  onSaleMs: number;
  /** no holds or sales from then on; by default sales never end (engine tests, benchmarks) */
  salesEndMs?: number;
  highDemand: boolean;
  closed?: boolean;
  /** a version the new actor must start above: the dropped actor's, when a repair replaces one */
  versionAfter?: number;
  /** completed orders to restore as sold seats (a rebuild from the durable record) */
  orders?: readonly { orderId: string; userId: string; seats: readonly number[] }[];
}

export type LoadResult =
  { ok: true; created: boolean; version: number } | EngineFailure<'event_not_found' | 'layout_mismatch' | 'bad_layout'>;

/** The latest time a Date can hold: "sales never end". */
const NO_SALES_END_MS = 8.64e15;

/** Creates the event's actor (or only updates its settings, atomically, if it exists). Idempotent. */
export async function loadEvent(ctx: EngineContext, inv: EventInventory): Promise<LoadResult> {
  const k = ctx.keysFor(inv.eventId);
  if (!k) return { ok: false, code: 'event_not_found' };
  const orders = (inv.orders ?? []).map((o) => `${o.orderId} ${o.userId} ${o.seats.join(',')}`);
  const reply = readReply(
    'loadEvent',
    await ctx.scripts.run(
      'loadEvent',
      [k.state, k.seats, k.prices, k.orders],
      [
        k.changes,
        inv.seatPricesCents.length,
        inv.onSaleMs,
        inv.highDemand ? '1' : '0',
        inv.closed ? 'closed' : 'open',
        orders.length,
        inv.salesEndMs ?? NO_SALES_END_MS,
        versionFloor(ctx.clock.now(), inv.versionAfter),
        ...orders,
        ...inv.seatPricesCents,
      ],
    ),
  );
  if ('ok' in reply) return reply;
  return { ok: true, created: reply.status === 'loaded', version: Number(reply.rest[0]) };
}
