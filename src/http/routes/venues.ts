import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { z } from 'zod';
import { capacityOf } from '../../domain/layout.js';
import { findVenue, insertVenue, listVenues } from '../../persist/repositories/venues.js';
import { jsonBody } from '../body.js';
import type { AppDeps, AppEnv } from '../env.js';
import { AppError, notFound } from '../errors.js';
import { requireAdmin } from '../middleware/auth.js';
import { sectionSchema, uuid } from './schemas.js';

const createSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  address: z.string().trim().max(300).optional(),
  city: z.string().trim().min(1).max(100),
  sections: z.array(sectionSchema).min(1).max(50)
    .refine((s) => new Set(s.map((x) => x.name)).size === s.length, 'section names must be distinct')
    .refine((s) => capacityOf(s) <= 100_000, 'at most 100,000 seats'),
});

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
    const body = await jsonBody(c, createSchema);
    const venue = await insertVenue(deps.pool, { id: randomUUID(), address: '', ...body });
    if (!venue) throw new AppError(500, 'internal', 'venue not created');
    return c.json({ venue }, 201);
  });
  return app;
}
