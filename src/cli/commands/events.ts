import { backlogTotal } from '../../engine/salesBacklog.js';
import { CliError, table, when, type Report } from '../output.js';
import type { Runtime } from '../runtime.js';
import { salesEndOf } from '../../services/catalog.js';
import { soldSeatCounts } from '../../persist/repositories/soldSeats.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The event's row, or a usage error (exit 2) for an unknown id. */
export async function eventRow(rt: Runtime, eventId: string) {
  const row = UUID.test(eventId) ? await rt.catalog.findEvent(eventId) : undefined;
  if (!row) throw new CliError(`no event ${eventId}`);
  return row;
}

const postgresSold = (rt: Runtime) => soldSeatCounts(rt.pool);

/** Every event with its live counts from Redis and its sold count in Postgres. */
export async function listEvents(rt: Runtime): Promise<Report> {
  const { rows } = await rt.pool.query<{ id: string; name: string; event_date: Date; state: string }>(
    'SELECT id, name, event_date, state FROM events ORDER BY event_date, id',
  );
  const sold = await postgresSold(rt);
  const events = await Promise.all(
    rows.map(async (e) => {
      const snap = await rt.engine.snapshotEvent(e.id);
      return {
        id: e.id,
        name: e.name,
        date: e.event_date.toISOString().slice(0, 10),
        state: e.state,
        actor: snap.ok ? snap.status : 'missing',
        total: snap.ok ? snap.counts.total : undefined,
        available: snap.ok ? snap.counts.available : undefined,
        held: snap.ok ? snap.counts.held : undefined,
        soldRedis: snap.ok ? snap.counts.sold : undefined,
        soldPostgres: sold.get(e.id) ?? 0,
      };
    }),
  );
  return { data: { events }, text: table(events) };
}

/** One event: version, counts, holds and when they expire, queue, stream backlog. */
export async function showEvent(rt: Runtime, eventId: string): Promise<Report> {
  const row = await eventRow(rt, eventId);
  const snap = await rt.engine.snapshotEvent(eventId);
  const [holds, queue, backlog, deadLetters, sold] = await Promise.all([
    rt.engine.holds(eventId),
    rt.engine.queueCounts(eventId),
    rt.engine.salesBacklog(eventId),
    rt.engine.deadLetterCount(eventId),
    postgresSold(rt),
  ]);
  const data = {
    id: row.id,
    name: row.name,
    venue: row.venue_name,
    eventDate: row.event_date.toISOString(),
    onSaleDate: row.on_sale_date.toISOString(),
    salesEndDate: salesEndOf(row).toISOString(),
    state: row.state,
    highDemand: row.high_demand,
    actor: snap.ok ? snap.status : 'missing',
    version: snap.ok ? snap.version : null,
    counts: snap.ok ? snap.counts : null,
    soldPostgres: sold.get(eventId) ?? 0,
    holds: {
      count: holds.length,
      nextExpiry: holds[0] ? when(holds[0].deadlineMs) : null,
      lastExpiry: holds.length ? when(holds[holds.length - 1]!.deadlineMs) : null,
    },
    queue,
    backlog: { ...backlog, total: backlogTotal(backlog) },
    deadLetters,
  };
  const c = data.counts;
  const text = [
    `${data.name} (${data.id})`,
    `venue ${data.venue}, event ${data.eventDate}, on sale ${data.onSaleDate} until ${data.salesEndDate}, ${data.state}${data.highDemand ? ', high demand' : ''}`,
    `actor ${data.actor}, version ${data.version ?? '-'}`,
    c
      ? `seats ${c.total}: ${c.available} available, ${c.held} held, ${c.sold} sold (Postgres: ${data.soldPostgres} sold)`
      : 'seats: actor missing (ticketctl rebuild)',
    `holds ${data.holds.count}, next expiry ${data.holds.nextExpiry ?? '-'}, last ${data.holds.lastExpiry ?? '-'}`,
    `queue ${queue.waiting} waiting, ${queue.admitted} admitted`,
    `stream backlog ${data.backlog.total} (${backlog.pending} pending, ${backlog.undelivered} undelivered), dead letters ${deadLetters}`,
  ].join('\n');
  return { data, text };
}

export async function listHolds(rt: Runtime, eventId: string): Promise<Report> {
  await eventRow(rt, eventId);
  const layout = await rt.catalog.layout(eventId);
  const now = rt.engine.clock.now();
  const holds = (await rt.engine.holds(eventId)).map((h) => {
    const seat = layout?.seats[h.index];
    return {
      seat: seat ? `${seat.section} ${seat.row}-${seat.number}` : String(h.index),
      seatId: seat?.id,
      userId: h.userId,
      expiresAt: when(h.deadlineMs),
      secondsLeft: Math.round((h.deadlineMs - now) / 1000),
    };
  });
  return { data: { eventId, holds }, text: table(holds, ['seat', 'userId', 'expiresAt', 'secondsLeft']) };
}

export async function showQueue(rt: Runtime, eventId: string, limit: number): Promise<Report> {
  await eventRow(rt, eventId);
  const [counts, detail] = await Promise.all([rt.engine.queueCounts(eventId), rt.engine.queueDetail(eventId, limit)]);
  const waiting = detail.waiting.map((w) => ({ ...w, joined: when(w.joinedMs), lastSeen: when(w.lastSeenMs) }));
  const admitted = detail.admitted.map((a) => ({ userId: a.userId, until: when(a.untilMs) }));
  const text = [
    `${counts.waiting} waiting, ${counts.admitted} admitted`,
    '',
    `first ${limit} waiting:`,
    table(waiting, ['position', 'userId', 'joined', 'lastSeen']),
    '',
    'admitted:',
    table(admitted),
  ].join('\n');
  return { data: { eventId, ...counts, waitingHead: waiting, admittedBuyers: admitted }, text };
}
