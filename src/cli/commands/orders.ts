import type { OrderView } from '../../services/orders.js';
import { decodeOrderCursor, searchOrders, type OrderFilters } from '../../services/orderSearch.js';
import { CliError, table, type Report } from '../output.js';
import type { Runtime } from '../runtime.js';

export interface OrderOptions {
  email?: string;
  event?: string;
  /** checked by the option's choices */
  status?: OrderView['status'];
  limit: number;
  cursor?: string;
}

export const ORDER_STATUSES: readonly OrderView['status'][] = ['completed', 'refunded', 'cancelled'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Orders newest first, the same search as GET /api/admin/orders: a buyer's by email, an event's, by status. */
export async function listOrders(rt: Runtime, opts: OrderOptions): Promise<Report> {
  if (opts.event !== undefined && !UUID.test(opts.event)) throw new CliError('--event must be an event id');
  if (opts.limit > 100) throw new CliError('--limit is at most 100');
  const before = opts.cursor === undefined ? undefined : decodeOrderCursor(opts.cursor);
  if (opts.cursor !== undefined && !before) throw new CliError('--cursor is not one this command printed');
  const filters: OrderFilters = {
    email: opts.email,
    eventId: opts.event,
    status: opts.status,
    before,
    limit: opts.limit,
  };
  const { orders, nextCursor } = await searchOrders(rt.pool, filters);
  const rows = orders.map((o) => ({
    id: o.id,
    createdAt: o.createdAt,
    status: o.status,
    eventId: o.eventId,
    userId: o.userId,
    totalCents: o.totalCents,
    seats: o.items.map((i) => `${i.section} ${i.row}-${i.number}`).join(', '),
  }));
  const more = nextCursor ? `\nmore: ticketctl orders ... --cursor ${nextCursor}` : '';
  return { data: { orders, nextCursor }, text: `${table(rows)}${more}` };
}
