import {
  ticketsOfAccount,
  ticketsOfOrder,
  transfersOfTickets,
  type TicketRow,
} from '../../persist/repositories/tickets.js';
import { findUserByEmail } from '../../persist/repositories/users.js';
import { ticketView } from '../../services/tickets.js';
import { CliError, table, type Report } from '../output.js';
import type { Runtime } from '../runtime.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The tickets of an order, or every ticket an account bought or holds: status, holder, check-in, transfers. */
export async function listTickets(rt: Runtime, orderIdOrEmail: string): Promise<Report> {
  let rows: TicketRow[];
  if (UUID.test(orderIdOrEmail)) {
    rows = await ticketsOfOrder(rt.pool, orderIdOrEmail.toLowerCase());
  } else if (orderIdOrEmail.includes('@')) {
    const user = await findUserByEmail(rt.pool, orderIdOrEmail);
    if (!user) throw new CliError(`no account with the email ${orderIdOrEmail}`, 1);
    rows = await ticketsOfAccount(rt.pool, user.id);
  } else {
    throw new CliError('name an order id or an email address');
  }
  const transfers = await transfersOfTickets(
    rt.pool,
    rows.map((t) => t.id),
  );
  const data = rows.map((t) => ({
    ...ticketView(t),
    holderId: t.holder_id,
    buyerId: t.buyer_id,
    version: t.version,
    checkedInBy: t.checked_in_by,
    gate: t.checked_in_gate,
    transfers: transfers
      .filter((x) => x.ticket_id === t.id)
      .map((x) => ({ from: x.from_email, to: x.to_email, at: x.transferred_at.toISOString() })),
  }));
  const text = table(
    data.map((t) => ({
      ticket: t.id,
      order: t.orderId,
      seat: `${t.section} ${t.row}-${t.number}`,
      status: t.status,
      version: t.version,
      holder: t.holderId === t.buyerId ? 'buyer' : t.holderId,
      checkedIn: t.checkedInAt,
      gate: t.gate,
      transfers: t.transfers.map((x) => `${x.from} -> ${x.to}`).join('; ') || null,
    })),
  );
  return { data, text, finding: rows.length === 0 };
}

/** Checks a ticket in by its code, as a scanner would (no scanner account: recorded as by ticketctl). */
export async function checkInCode(rt: Runtime, code: string, gate: string | undefined): Promise<Report> {
  const result = await rt.tickets.checkIn(code.trim(), { scannerId: null, gate: gate ?? 'ticketctl' });
  if (result.ok) {
    const t = result.ticket;
    return {
      data: { result: 'admitted', ticket: t },
      text: `admitted: ticket ${t.id}, ${t.section} row ${t.row} seat ${t.number}`,
    };
  }
  const text =
    result.code === 'invalid_code'
      ? `refused: invalid code (${result.reason})`
      : result.code === 'already_checked_in'
        ? `refused: already checked in at ${result.checkedInAt}${result.gate ? ` (${result.gate})` : ''}`
        : `refused: ${result.code.replace(/_/g, ' ')}`;
  return { data: result, text, finding: true };
}
