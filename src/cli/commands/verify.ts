import { rebuildActor } from '../../persist/rebuild.js';
import { reconcileEvent } from '../../persist/reconcile.js';
import { CliError, type Report } from '../output.js';
import type { Runtime } from '../runtime.js';
import { eventRow } from './events.js';

/** Reconciles Redis and Postgres seat by seat and explains each difference. A finding: any difference. */
export async function verify(rt: Runtime, eventIds: string[]): Promise<Report> {
  const reports = [];
  const lines: string[] = [];
  for (const eventId of eventIds) {
    const result = await reconcileEvent(rt, eventId);
    if (!result.ok) {
      const explanation =
        result.code === 'actor_missing'
          ? 'the event has no live state in Redis: run `ticketctl rebuild` to recreate it from Postgres'
          : 'no such event';
      reports.push({ eventId, consistent: false, differences: [explanation] });
      lines.push(`${eventId}: ${explanation}`);
      continue;
    }
    const r = result.report;
    const layout = await rt.catalog.layout(eventId);
    const orders = await rt.engine.orders(eventId);
    const seatName = (i: number) => {
      const s = layout?.seats[i];
      return s ? `seat ${s.section} ${s.row}-${s.number} (#${i})` : `seat #${i}`;
    };
    const orderOf = (i: number) => orders.find((o) => o.status === 'completed' && o.seats.includes(i));
    const pending =
      r.backlog > 0
        ? ` ${r.backlog} sales or refunds are still on their way to Postgres, so this may resolve by itself.`
        : r.settled
          ? ''
          : ' Sales or refunds were being made while it was compared, so this may resolve by itself: run verify again.';
    const differences = [
      ...r.onlyInRedis.map((i) => {
        const order = orderOf(i);
        return (
          `${seatName(i)} is sold in Redis${order ? ` (order ${order.orderId}, user ${order.userId})` : ''} but has no valid ticket in Postgres:` +
          ` the sale has not been persisted (or was dead-lettered).${pending}`
        );
      }),
      ...r.onlyInPostgres.map(
        (i) =>
          `${seatName(i)} has a valid ticket in Postgres but is not sold in Redis: Redis lost the sale` +
          ' (or a refund is not yet persisted); `ticketctl rebuild` restores it from Postgres.',
      ),
    ];
    reports.push({ ...r, differences });
    lines.push(
      `${eventId}: ${r.consistent ? 'consistent' : `${differences.length} difference(s)`} (sold: Redis ${r.redisSold}, Postgres ${r.postgresSold}, backlog ${r.backlog})`,
    );
    lines.push(...differences.map((d) => `  - ${d}`));
  }
  const finding = reports.some((r) => !r.consistent);
  return { data: { events: reports, consistent: !finding }, text: lines.join('\n') || '(no events)', finding };
}

export async function allEventIds(rt: Runtime): Promise<string[]> {
  return (await rt.pool.query<{ id: string }>('SELECT id FROM events ORDER BY event_date, id')).rows.map((r) => r.id);
}

/** Recreates the event's actor from Postgres (replacing a live one only once its stream is drained). */
export async function rebuild(rt: Runtime, eventId: string): Promise<Report> {
  await eventRow(rt, eventId);
  const result = await rebuildActor(rt, eventId, { replace: true });
  if (!result.ok) {
    if (result.code === 'stream_not_drained') {
      return {
        data: result,
        finding: true,
        text: 'not rebuilt: sales are still on their way to Postgres; wait for the persister (ticketctl status) and retry',
      };
    }
    throw new CliError(`rebuild failed: ${result.code}`);
  }
  await rt.catalog.invalidate(eventId);
  return { data: result, text: `rebuilt ${eventId}: ${result.seats} seats, ${result.sold} sold` };
}
