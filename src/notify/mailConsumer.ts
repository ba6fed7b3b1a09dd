import type { Pool } from 'pg';
import type { Logger } from '../infra/logger.js';
import type { Mail, Mailer } from './mailer.js';
import {
  confirmationMail,
  refundMail,
  transferReceivedMail,
  transferSentMail,
  type MailContext,
  type SeatLine,
} from './mailTemplates.js';
import { once } from './outbox.js';
import { orderCompletedData, orderRefundedData, ticketTransferredData, type OrderData } from './payloads.js';
import type { OutboxConsumer, OutboxEntry } from './types.js';

interface Person {
  email: string;
  name: string;
}
interface EventInfo {
  name: string;
  event_date: Date;
  venue: string;
}

/**
 * Mails buyers: a confirmation for every completed order, a notice for every refund (with
 * the cancellation wording when the event was cancelled) and for both sides of a ticket
 * transfer. Each entry is mailed once (outbox_consumed), even when delivered again.
 */
export class MailConsumer implements OutboxConsumer {
  readonly name = 'mail';
  sent = 0;

  constructor(
    private readonly pool: Pool,
    private readonly mailer: Mailer,
    private readonly log: Logger,
  ) {}

  async handle(entry: OutboxEntry): Promise<void> {
    const mails = await this.compose(entry);
    if (mails.length === 0) return;
    const first = await once(this.pool, this.name, entry.id, async () => {
      for (const mail of mails) await this.mailer.send(mail);
    });
    if (first) {
      this.sent += mails.length;
      this.log.info({ event: 'mail_sent', entryId: entry.id, type: entry.type, count: mails.length });
    }
  }

  private async compose(entry: OutboxEntry): Promise<Mail[]> {
    switch (entry.type) {
      case 'order.completed': {
        const { order } = orderCompletedData.parse(entry.payload);
        const [buyer, event] = await Promise.all([this.person(order.userId), this.eventInfo(order.eventId)]);
        return [{ key: entry.id, to: buyer.email, ...confirmationMail(orderContext(order, buyer, event)) }];
      }
      case 'order.refunded': {
        const { order, reason } = orderRefundedData.parse(entry.payload);
        const [buyer, event] = await Promise.all([this.person(order.userId), this.eventInfo(order.eventId)]);
        return [{ key: entry.id, to: buyer.email, ...refundMail(orderContext(order, buyer, event), reason) }];
      }
      case 'ticket.transferred': {
        const { ticket, fromUserId, toUserId } = ticketTransferredData.parse(entry.payload);
        const [from, to, event] = await Promise.all([
          this.person(fromUserId),
          this.person(toUserId),
          this.eventInfo(ticket.eventId),
        ]);
        const priceCents = await this.ticketPrice(ticket.id);
        const seats: SeatLine[] = [{ section: ticket.section, row: ticket.row, number: ticket.number, priceCents }];
        const context = (who: Person): MailContext => ({
          recipientName: who.name,
          eventName: event.name,
          eventDate: event.event_date,
          venue: event.venue,
          orderId: ticket.orderId,
          seats,
          totalCents: priceCents,
        });
        return [
          { key: `${entry.id}-to`, to: to.email, ...transferReceivedMail(context(to), from.name) },
          { key: `${entry.id}-from`, to: from.email, ...transferSentMail(context(from), to.name) },
        ];
      }
      default:
        // event.cancelled reaches buyers as one refund notice per order; check-ins need no mail.
        return [];
    }
  }

  private async ticketPrice(id: string): Promise<number> {
    const { rows } = await this.pool.query<{ price_cents: number }>('SELECT price_cents FROM tickets WHERE id = $1', [
      id,
    ]);
    return rows[0]?.price_cents ?? 0;
  }

  private async person(id: string): Promise<Person> {
    const { rows } = await this.pool.query<Person>('SELECT email, name FROM users WHERE id = $1', [id]);
    if (!rows[0]) throw new Error(`no user ${id}`);
    return rows[0];
  }

  private async eventInfo(id: string): Promise<EventInfo> {
    const { rows } = await this.pool.query<EventInfo>(
      `SELECT e.name, e.event_date, v.name || ', ' || v.city AS venue FROM events e JOIN venues v ON v.id = e.venue_id WHERE e.id = $1`,
      [id],
    );
    if (!rows[0]) throw new Error(`no event ${id}`);
    return rows[0];
  }
}

function orderContext(order: OrderData, buyer: Person, event: EventInfo): MailContext {
  return {
    recipientName: buyer.name,
    eventName: event.name,
    eventDate: event.event_date,
    venue: event.venue,
    orderId: order.id,
    totalCents: order.totalCents,
    seats: order.items.map((i) => ({ section: i.section, row: i.row, number: i.number, priceCents: i.priceCents })),
  };
}
