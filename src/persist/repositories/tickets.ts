import type { Pool, PoolClient } from 'pg';

export type TicketStatus = 'valid' | 'checked_in' | 'refunded';

export interface TicketRow {
  id: string;
  order_id: string;
  event_id: string;
  seat_id: string;
  section: string;
  row_label: string;
  number: string;
  status: TicketStatus;
  checked_in_at: Date | null;
  checked_in_gate: string | null;
  checked_in_by: string | null;
  holder_id: string;
  version: number;
  /** the buyer: the order's account */
  buyer_id: string;
  order_status: 'completed' | 'refunded' | 'cancelled';
  event_state: 'scheduled' | 'cancelled';
  event_date: Date;
}

const SELECT = `
  SELECT t.id, t.order_id, t.event_id, t.seat_id, s.section, s.row_label, s.number, t.status,
         t.checked_in_at, t.checked_in_gate, t.checked_in_by, t.holder_id, t.version,
         o.user_id AS buyer_id, o.status AS order_status, e.state AS event_state, e.event_date
  FROM tickets t
  JOIN seats s ON s.id = t.seat_id
  JOIN orders o ON o.id = t.order_id
  JOIN events e ON e.id = t.event_id`;
const ORDER = 'ORDER BY e.event_date, t.event_id, s.seat_index';

type Db = Pool | PoolClient;

export async function findTicket(db: Db, ticketId: string, lock = false): Promise<TicketRow | undefined> {
  const { rows } = await db.query<TicketRow>(`${SELECT} WHERE t.id = $1${lock ? ' FOR UPDATE OF t' : ''}`, [ticketId]);
  return rows[0];
}

/** The tickets an account holds now: bought and kept, or received. */
export async function ticketsHeldBy(db: Db, userId: string): Promise<TicketRow[]> {
  return (await db.query<TicketRow>(`${SELECT} WHERE t.holder_id = $1 ${ORDER}`, [userId])).rows;
}

/** Every ticket of an order, whoever holds it now. */
export async function ticketsOfOrder(db: Db, orderId: string): Promise<TicketRow[]> {
  return (await db.query<TicketRow>(`${SELECT} WHERE t.order_id = $1 ${ORDER}`, [orderId])).rows;
}

/** Every ticket an account holds or bought (operators' view). */
export async function ticketsOfAccount(db: Db, userId: string): Promise<TicketRow[]> {
  return (await db.query<TicketRow>(`${SELECT} WHERE t.holder_id = $1 OR o.user_id = $1 ${ORDER}`, [userId])).rows;
}

/**
 * The transfer itself, as one conditional UPDATE: only the holder moves a valid ticket of a
 * completed order for a scheduled event still to come. The version bump voids every code
 * issued before. Returns the new version, or undefined when the conditions do not hold.
 */
export async function moveTicket(
  client: PoolClient,
  t: { ticketId: string; fromUserId: string; toUserId: string; transferId: string; at: Date },
): Promise<number | undefined> {
  const { rows } = await client.query<{ version: number }>(
    `UPDATE tickets t SET holder_id = $3, version = t.version + 1
     FROM orders o, events e
     WHERE t.id = $1 AND t.holder_id = $2 AND t.status = 'valid'
       AND o.id = t.order_id AND o.status = 'completed'
       AND e.id = t.event_id AND e.state = 'scheduled' AND e.event_date > $4
     RETURNING t.version`,
    [t.ticketId, t.fromUserId, t.toUserId, t.at],
  );
  const version = rows[0]?.version;
  if (version === undefined) return undefined;
  await client.query(
    `INSERT INTO ticket_transfers (id, ticket_id, from_user_id, to_user_id, version, transferred_at)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [t.transferId, t.ticketId, t.fromUserId, t.toUserId, version, t.at],
  );
  return version;
}

/**
 * The check-in, as one conditional UPDATE: only a valid ticket, at the version the code
 * carries (and of the event named, if any). Two scanners racing on one code: Postgres
 * row-locks the ticket, the second UPDATE re-reads it as checked in and matches nothing.
 */
export async function admitTicket(
  client: PoolClient,
  c: {
    ticketId: string;
    version: number;
    at: Date;
    scannerId: string | null;
    gate: string | null;
    eventId: string | null;
  },
): Promise<boolean> {
  const { rowCount } = await client.query(
    `UPDATE tickets SET status = 'checked_in', checked_in_at = $3, checked_in_by = $4, checked_in_gate = $5
     WHERE id = $1 AND version = $2 AND status = 'valid' AND ($6::uuid IS NULL OR event_id = $6::uuid)`,
    [c.ticketId, c.version, c.at, c.scannerId, c.gate, c.eventId],
  );
  return rowCount === 1;
}

export interface TransferRow {
  id: string;
  ticket_id: string;
  event_id: string;
  section: string;
  row_label: string;
  number: string;
  from_email: string;
  to_email: string;
  from_user_id: string;
  to_user_id: string;
  transferred_at: Date;
}

const TRANSFER_SELECT = `
  SELECT x.id, x.ticket_id, t.event_id, s.section, s.row_label, s.number, f.email AS from_email, r.email AS to_email,
         x.from_user_id, x.to_user_id, x.transferred_at
  FROM ticket_transfers x
  JOIN tickets t ON t.id = x.ticket_id
  JOIN seats s ON s.id = t.seat_id
  JOIN users f ON f.id = x.from_user_id
  JOIN users r ON r.id = x.to_user_id`;

/** Transfers an account sent or received, newest first. */
export async function transfersOf(db: Db, userId: string): Promise<TransferRow[]> {
  const where = 'WHERE x.from_user_id = $1 OR x.to_user_id = $1 ORDER BY x.transferred_at DESC, x.id';
  return (await db.query<TransferRow>(`${TRANSFER_SELECT} ${where}`, [userId])).rows;
}

/** The transfers of these tickets, oldest first (operators' view). */
export async function transfersOfTickets(db: Db, ticketIds: string[]): Promise<TransferRow[]> {
  const where = 'WHERE x.ticket_id = ANY($1::uuid[]) ORDER BY x.transferred_at, x.id';
  return (await db.query<TransferRow>(`${TRANSFER_SELECT} ${where}`, [ticketIds])).rows;
}
