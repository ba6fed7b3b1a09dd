import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { findVenue, insertVenue, listVenues, updateVenue } from '../../persist/repositories/venues.js';
import { jsonBody } from '../body.js';
import type { AppDeps, AppEnv } from '../appDeps.js';
import { AppError, notFound } from '../errors.js';
import { requireAdmin } from '../middleware/auth.js';
import { createVenueSchema, updateVenueSchema, uuid } from '../schemas.js';

export function venueRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  app.get('/', async (c) => c.json({ venues: await listVenues(deps.pool) }));
  app.get('/:id', async (c) => {
    const id = uuid.safeParse(c.req.param('id'));
    const venue = id.success ? await findVenue(deps.pool, id.data) : undefined;
    if (!venue) throw notFound('venue');
    return c.json({ venue });
  });
  app.post('/', async (c) => {
    requireAdmin(c);
    const body = await jsonBody(c, createVenueSchema);
    const venue = await insertVenue(deps.pool, { id: randomUUID(), address: '', ...body });
    if (!venue) throw new AppError(500, 'internal', 'venue not created');
    return c.json({ venue }, 201);
  });
  app.put('/:id', async (c) => {
    requireAdmin(c);
    const body = await jsonBody(c, updateVenueSchema);
    const id = uuid.safeParse(c.req.param('id'));
    const result = id.success ? await updateVenue(deps.pool, id.data, body) : { ok: false as const, code: 'not_found' as const };
    if (!result.ok && result.code === 'not_found') throw notFound('venue');
    if (!result.ok) throw new AppError(409, 'venue_in_use', 'Events use this venue: its sections can no longer change (its name, address and city can).');
    // the venue's events carry its name and city in their cached copies
    await Promise.all(result.eventIds.map((eventId) => deps.catalog.invalidate(eventId)));
    return c.json({ venue: result.venue });
  });
  return app;
}
