import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { findVenue, insertVenue, listVenues } from '../../persist/repositories/venues.js';
import { jsonBody } from '../body.js';
import type { AppDeps, AppEnv } from '../appDeps.js';
import { AppError, notFound } from '../errors.js';
import { requireAdmin } from '../middleware/auth.js';
import { createVenueSchema, uuid } from '../schemas.js';

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
  return app;
}
