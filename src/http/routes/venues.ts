import { changeVenue, createVenue, findVenue, listVenues } from '../../services/venues.js';
import type { AppDeps } from '../appDeps.js';
import { AppError, notFound } from '../errors.js';
import { ApiRoutes, json, jsonRequest, operation, pathIds, problems } from '../openapi.js';
import { createVenueSchema, updateVenueSchema, uuid, venueSchema } from '../schemas.js';
import { z } from '@hono/zod-openapi';

const venueBody = z.strictObject({ venue: venueSchema });

const list = operation(
  { operationId: 'listVenues', tag: 'Venues' },
  {
    method: 'get',
    path: '/',
    summary: 'All venues',
    responses: { 200: json(z.strictObject({ venues: z.array(venueSchema) }), 'The venues, by name') },
  },
);
const read = operation(
  { operationId: 'getVenue', tag: 'Venues' },
  {
    method: 'get',
    path: '/{id}',
    summary: 'A venue with its layout',
    ...pathIds('id'),
    responses: { 200: json(venueBody, 'The venue'), ...problems({ 404: true }) },
  },
);
export const create = operation(
  { operationId: 'createVenue', tag: 'Venues', role: 'admin' },
  {
    method: 'post',
    path: '/',
    summary: 'Create a venue',
    request: jsonRequest(createVenueSchema),
    responses: { 201: json(venueBody, 'The new venue') },
  },
);
const update = operation(
  { operationId: 'updateVenue', tag: 'Venues', role: 'admin' },
  {
    method: 'put',
    path: '/{id}',
    summary: 'Change a venue: name, address, city; sections only while no event uses it',
    ...pathIds('id'),
    request: jsonRequest(updateVenueSchema),
    responses: {
      200: json(venueBody, 'The changed venue'),
      ...problems({ 404: true, 409: 'venue_in_use: events use the venue, its sections cannot change' }),
    },
  },
);

export function venueRoutes(deps: AppDeps) {
  const app = new ApiRoutes();
  app.openapi(list, async (c) => c.json({ venues: await listVenues(deps.pool) }, 200));
  app.openapi(read, async (c) => {
    const id = uuid.safeParse(c.req.param('id'));
    const venue = id.success ? await findVenue(deps.pool, id.data) : undefined;
    if (!venue) throw notFound('venue');
    return c.json({ venue }, 200);
  });
  app.openapi(create, async (c) => {
    const venue = await createVenue(deps.pool, c.req.valid('json'));
    if (!venue) throw new AppError(500, 'internal', 'venue not created');
    return c.json({ venue }, 201);
  });
  app.openapi(update, async (c) => {
    const body = c.req.valid('json');
    const id = uuid.safeParse(c.req.param('id'));
    const result = id.success
      ? await changeVenue(deps, id.data, body)
      : { ok: false as const, code: 'not_found' as const };
    if (!result.ok && result.code === 'not_found') throw notFound('venue');
    if (!result.ok)
      throw new AppError(
        409,
        'venue_in_use',
        'Events use this venue: its sections can no longer change (its name, address and city can).',
      );
    return c.json({ venue: result.venue }, 200);
  });
  return app;
}
