import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import QRCode from 'qrcode';
import type { Clock } from '../engine/clock.js';
import type { Logger } from '../infra/logger.js';
import type { Metrics } from '../infra/metrics.js';
import { enqueue } from '../notify/outbox.js';
import { inTransaction } from '../persist/db.js';
import {
  admitTicket,
  findTicket,
  moveTicket,
  ticketsHeldBy,
  ticketsOfOrder,
  transfersOf,
  type TicketRow,
  type TicketStatus,
} from '../persist/repositories/tickets.js';
import { findUserByEmail } from '../persist/repositories/users.js';
import { TicketCodes, type TicketCode } from './ticketCodes.js';

export interface TicketView {
  id: string;
  orderId: string;
  eventId: string;
  seatId: string;
  section: string;
  row: string;
  number: string;
  status: TicketStatus;
  checkedInAt: string | null;
}

export const ticketView = (t: TicketRow): TicketView => ({
  id: t.id,
  orderId: t.order_id,
  eventId: t.event_id,
  seatId: t.seat_id,
  section: t.section,
  row: t.row_label,
  number: t.number,
  status: t.status,
  checkedInAt: t.checked_in_at?.toISOString() ?? null,
});

export interface TransferView {
  id: string;
  ticketId: string;
  eventId: string;
  seat: { section: string; row: string; number: string };
  direction: 'sent' | 'received';
  fromEmail: string;
  toEmail: string;
  transferredAt: string;
}

/** Why a ticket cannot move: it was used, refunded, or its event is over or cancelled. */
export type NotTransferableReason = 'checked_in' | 'refunded' | 'event_over' | 'event_cancelled';

export type TransferResult =
  | { ok: true; ticket: TicketView }
  | { ok: false; code: 'ticket_not_found' | 'recipient_not_found' | 'transfer_to_self' }
  | { ok: false; code: 'ticket_not_transferable'; reason: NotTransferableReason };

export type CheckInResult =
  | { ok: true; ticket: TicketView }
  | { ok: false; code: 'invalid_code'; reason: 'malformed' | 'forged' | 'expired' | 'void' }
  | { ok: false; code: 'already_checked_in'; checkedInAt: string; gate: string | null; ticket: TicketView }
  | { ok: false; code: 'ticket_refunded' | 'wrong_event'; ticket: TicketView };

export type TicketRefusal = Extract<TransferResult | CheckInResult, { ok: false }>['code'];

export interface TicketDeps {
  pool: Pool;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  /** TICKET_SECRET */
  secret: string;
}

/**
 * Tickets after the sale: the holder's list, rotating signed codes and their QR images,
 * transfers, and check-in at the door. A transfer and a check-in are each one Postgres
 * transaction, so whatever must happen with them (an outbox record) joins that transaction.
 */
export class TicketService {
  readonly codes: TicketCodes;

  constructor(private readonly deps: TicketDeps) {
    this.codes = new TicketCodes(deps.secret, deps.clock);
  }

  async held(userId: string): Promise<TicketView[]> {
    return (await ticketsHeldBy(this.deps.pool, userId)).map(ticketView);
  }

  /** A fresh code for the ticket, for its holder only (anyone else: undefined, a 404). */
  async code(ticketId: string, userId: string): Promise<TicketCode | undefined> {
    const ticket = await findTicket(this.deps.pool, ticketId);
    if (!ticket || ticket.holder_id !== userId) return undefined;
    return this.codes.issue(ticket.id, ticket.version);
  }

  /** The current code as a QR image (SVG), for the holder only. */
  async qrSvg(ticketId: string, userId: string): Promise<string | undefined> {
    const code = await this.code(ticketId, userId);
    return code && QRCode.toString(code.code, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  }

  async transfer(ticketId: string, fromUserId: string, toEmail: string): Promise<TransferResult> {
    const { pool, clock, log, metrics } = this.deps;
    const recipient = await findUserByEmail(pool, toEmail);
    const result = await inTransaction(pool, async (client): Promise<TransferResult> => {
      const ticket = await findTicket(client, ticketId, true);
      if (!ticket || ticket.holder_id !== fromUserId) return { ok: false, code: 'ticket_not_found' };
      if (!recipient) return { ok: false, code: 'recipient_not_found' };
      if (recipient.id === fromUserId) return { ok: false, code: 'transfer_to_self' };
      const at = new Date(clock.now());
      const version = await moveTicket(client, {
        ticketId,
        fromUserId,
        toUserId: recipient.id,
        transferId: randomUUID(),
        at,
      });
      if (version === undefined)
        return { ok: false, code: 'ticket_not_transferable', reason: notTransferable(ticket, at) };
      const moved = ticketView({ ...ticket, holder_id: recipient.id, version });
      await enqueue(client, {
        type: 'ticket.transferred',
        subjectId: ticketId,
        payload: { ticket: moved, fromUserId, toUserId: recipient.id },
      });
      return { ok: true, ticket: moved };
    });
    if (result.ok) {
      metrics.ticketsTransferred.inc();
      log.info({
        event: 'ticket_transferred',
        ticketId,
        eventId: result.ticket.eventId,
        from: fromUserId,
        to: recipient!.id,
      });
    }
    return result;
  }

  /**
   * Checks a code in: the signature and expiry offline, then one conditional UPDATE at the
   * code's version. `scannerId` is null for an operator's check-in with ticketctl.
   */
  async checkIn(
    code: string,
    by: { scannerId: string | null; gate?: string; eventId?: string },
  ): Promise<CheckInResult> {
    const { pool, clock, log, metrics } = this.deps;
    const checked = this.codes.check(code);
    const result: CheckInResult = !checked.ok
      ? { ok: false, code: 'invalid_code', reason: checked.reason }
      : await inTransaction(pool, async (client): Promise<CheckInResult> => {
          const at = new Date(clock.now());
          const admitted = await admitTicket(client, {
            ticketId: checked.ticketId,
            version: checked.version,
            at,
            scannerId: by.scannerId,
            gate: by.gate ?? null,
            eventId: by.eventId ?? null,
          });
          const ticket = await findTicket(client, checked.ticketId);
          if (!ticket || ticket.version !== checked.version) return { ok: false, code: 'invalid_code', reason: 'void' };
          if (admitted) {
            const view = ticketView(ticket);
            await enqueue(client, { type: 'ticket.checked_in', subjectId: ticket.id, payload: { ticket: view } });
            return { ok: true, ticket: view };
          }
          if (by.eventId && ticket.event_id !== by.eventId)
            return { ok: false, code: 'wrong_event', ticket: ticketView(ticket) };
          if (ticket.status === 'checked_in') {
            return {
              ok: false,
              code: 'already_checked_in',
              checkedInAt: ticket.checked_in_at!.toISOString(),
              gate: ticket.checked_in_gate,
              ticket: ticketView(ticket),
            };
          }
          return { ok: false, code: 'ticket_refunded', ticket: ticketView(ticket) };
        });
    metrics.ticketCheckIns.inc({ result: result.ok ? 'admitted' : result.code });
    if (result.ok)
      log.info({
        event: 'ticket_checked_in',
        ticketId: result.ticket.id,
        eventId: result.ticket.eventId,
        gate: by.gate,
      });
    else
      log.info({ event: 'ticket_refused', code: result.code, reason: 'reason' in result ? result.reason : undefined });
    return result;
  }

  /** Transfers the account sent and received, newest first. */
  async transfers(userId: string): Promise<TransferView[]> {
    return (await transfersOf(this.deps.pool, userId)).map((x) => ({
      id: x.id,
      ticketId: x.ticket_id,
      eventId: x.event_id,
      seat: { section: x.section, row: x.row_label, number: x.number },
      direction: x.from_user_id === userId ? 'sent' : 'received',
      fromEmail: x.from_email,
      toEmail: x.to_email,
      transferredAt: x.transferred_at.toISOString(),
    }));
  }

  /**
   * Whether the buyer may refund the order themselves: not once a ticket of it was used at
   * the door or given to someone else. An admin may refund it all the same (a goodwill
   * refund); every ticket of it is then refunded, a used one keeping its checkedInAt.
   */
  async refundRefusal(orderId: string, byAdmin: boolean): Promise<'checked_in' | 'transferred' | undefined> {
    if (byAdmin) return undefined;
    const tickets = await ticketsOfOrder(this.deps.pool, orderId);
    if (tickets.some((t) => t.status === 'checked_in')) return 'checked_in';
    if (tickets.some((t) => t.holder_id !== t.buyer_id)) return 'transferred';
    return undefined;
  }
}

function notTransferable(ticket: TicketRow, at: Date): NotTransferableReason {
  if (ticket.status === 'checked_in') return 'checked_in';
  if (ticket.status === 'refunded' || ticket.order_status !== 'completed') return 'refunded';
  if (ticket.event_state === 'cancelled') return 'event_cancelled';
  return ticket.event_date <= at ? 'event_over' : 'refunded';
}
