import { Hono } from 'hono';
import { z } from 'zod';
import { findVenue } from '../../persist/repositories/venues.js';
import { EVENT_SELECT, type EventWithVenue } from '../../services/catalog.js';
import { jsonBody, validate } from '../body.js';
import type { AppDeps, AppEnv } from '../env.js';
import { AppError, notFound } from '../errors.js';
import { requireAdmin } from '../middleware/auth.js';
import { isoDate, uuid } from './schemas.js';

const createSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  artist: z.string().trim().min(1).max(200),
  venueId: uuid,
  eventDate: isoDate,
  onSaleDate: isoDate,
  highDemand: z.boolean().optional(),
  prices: z.record(z.string().min(1).max(50), z.number().int().min(0).max(10_000_000)),
});

const listSchema = z.strictObject({
  q: z.string().max(200).optional(),
  city: z.string().max(100).optional(),
  venueId: uuid.optional(),
  artist: z.string().max(200).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  status: z.enum(['upcoming', 'on_sale', 'sold_out', 'completed', 'cancelled']).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});

/** Keyset pagination over (event_date, id): stable under inserts, no OFFSET scans. */
const encodeCursor = (row: EventWithVenue) => Buffer.from(`${row.event_date.toISOString()}|${row.id}`).toString('base64url');
function decodeCursor(cursor: string): [Date, string] {
  const [date, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const when = new Date(date ?? '');
  if (Number.isNaN(when.getTime()) || !uuid.safeParse(id).success) {
    throw new AppError(400, 'validation_failed', 'The cursor is not valid.');
  }
  return [when, id!];
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (ch) => `\\${ch}`);

export function eventRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();

  app.get('/', async (c) => {
    const f = validate(listSchema, c.req.query());
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replaceAll('$?', `$${params.length}`));
    };
    if (f.q) add('(e.name ILIKE $? OR e.artist ILIKE $? OR v.name ILIKE $?)', `%${escapeLike(f.q)}%`);
    if (f.city) add('v.city ILIKE $?', escapeLike(f.city));
    if (f.venueId) add('e.venue_id = $?', f.venueId);
    if (f.artist) add('e.artist ILIKE $?', escapeLike(f.artist));
    if (f.from) add('e.event_date >= $?', f.from);
    if (f.to) add('e.event_date <= $?', f.to);
    const now = new Date(deps.engine.clock.now());
    if (f.status === 'cancelled') where.push(`e.state = 'cancelled'`);
    else if (f.status) where.push(`e.state <> 'cancelled'`);
    if (f.status === 'completed') add('e.event_date <= $?', now);
    if (f.status === 'upcoming') add('e.on_sale_date > $? AND e.event_date > $?', now);
    if (f.status === 'on_sale' || f.status === 'sold_out') add('e.on_sale_date <= $? AND e.event_date > $?', now);
    if (f.cursor) {
      const [date, id] = decodeCursor(f.cursor);
      params.push(date, id);
      where.push(`(e.event_date, e.id) > ($${params.length - 1}, $${params.length})`);
    }
    params.push(f.limit + 1);
    const { rows } = await deps.pool.query<EventWithVenue>(
      `${EVENT_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY e.event_date, e.id LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, f.limit);
    let events = await Promise.all(page.map((row) => deps.catalog.view(row)));
    // on_sale and sold_out differ only by live counts, so they are told apart here.
    if (f.status === 'on_sale' || f.status === 'sold_out') events = events.filter((e) => e.status === f.status);
    const nextCursor = rows.length > f.limit ? encodeCursor(page[page.length - 1]!) : null;
    return c.json({ events, nextCursor });
  });

  app.get('/:id', async (c) => {
    const id = uuid.safeParse(c.req.param('id'));
    const row = id.success ? await deps.catalog.findEvent(id.data) : undefined;
    if (!row) throw notFound('event');
    return c.json({ event: await deps.catalog.view(row) });
  });

  app.post('/', async (c) => {
    requireAdmin(c);
    const body = await jsonBody(c, createSchema);
    const venue = await findVenue(deps.pool, body.venueId);
    if (!venue) throw new AppError(400, 'validation_failed', 'No such venue.', { errors: [{ path: 'venueId', message: 'unknown venue' }] });
    const missing = venue.sections.map((s) => s.name).filter((name) => body.prices[name] === undefined);
    const extra = Object.keys(body.prices).filter((name) => !venue.sections.some((s) => s.name === name));
    if (missing.length > 0 || extra.length > 0) {
      throw new AppError(400, 'validation_failed', 'Give exactly one price per section of the venue.', { missing, extra });
    }
    if (body.onSaleDate.getTime() > body.eventDate.getTime()) {
      throw new AppError(400, 'validation_failed', 'The sale cannot open after the event.');
    }
    const id = await deps.catalog.createEvent({
      name: body.name, artist: body.artist, venueId: venue.id, sections: venue.sections, eventDate: body.eventDate,
      onSaleDate: body.onSaleDate, highDemand: body.highDemand ?? false, prices: body.prices,
    });
    return c.json({ event: await deps.catalog.view((await deps.catalog.findEvent(id))!) }, 201);
  });
  return app;
}
