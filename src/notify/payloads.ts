import { z } from 'zod';

/**
 * The `data` of each entry type: what webhooks receive and consumers read. Writers build
 * them in SQL (outboxSql.ts) or pass them to enqueue(); consumers parse them here.
 */
const item = z.object({
  seatId: z.string(),
  section: z.string(),
  row: z.string(),
  number: z.string(),
  priceCents: z.number(),
});
const order = z.object({
  id: z.string(),
  userId: z.string(),
  eventId: z.string(),
  status: z.string(),
  totalCents: z.number(),
  currency: z.string(),
  createdAt: z.string(),
  items: z.array(item),
});
const ticket = z
  .object({
    id: z.string(),
    orderId: z.string(),
    eventId: z.string(),
    seatId: z.string(),
    section: z.string(),
    row: z.string(),
    number: z.string(),
  })
  .loose();

export const orderCompletedData = z.object({ order });
export const orderRefundedData = z.object({ order, reason: z.string() });
export const eventCancelledData = z.object({ event: z.object({ id: z.string(), name: z.string() }).loose() });
/** ticket.transferred: the ticket (as GET /api/tickets shows it) and who gave it to whom */
export const ticketTransferredData = z.object({ ticket, fromUserId: z.string(), toUserId: z.string() });
/** ticket.checked_in: the ticket, checkedInAt set */
export const ticketCheckedInData = z.object({ ticket });

export type OrderData = z.infer<typeof order>;
export type TicketData = z.infer<typeof ticket>;
