import { z } from '@hono/zod-openapi';
import type { Section } from '../../domain/layout.js';
import { VenueChangedError } from '../../persist/repositories/events.js';
import type { EventWithVenue } from '../../services/catalog.js';
import { findVenue } from '../../services/venues.js';
import { knownEvent } from '../actors.js';
import type { AppDeps } from '../appDeps.js';
import { AppError } from '../errors.js';
import { ApiRoutes, json, jsonRequest, operation, pathIds, preserialised, problems } from '../openapi.js';
import {
  createEventSchema,
  eventPageSchema,
  eventSchema,
  eventSearchSchema,
  updateEventSchema,
  uuid,
} from '../schemas.js';

const JSON_TYPE = { 'Content-Type': 'application/json' };
/** The raw query string of a URL ('' when none): the name of a list answer. */
const queryOf = (url: string) => {
  const at = url.indexOf('?');
  return at < 0 ? '' : url.slice(at);
};

/** Keyset pagination over (event_date, id): stable under inserts, no OFFSET scans. */
const encodeCursor = (row: EventWithVenue) =>
  Buffer.from(`${row.event_date.toISOString()}|${row.id}`).toString('base64url');
function decodeCursor(cursor: string): [Date, string] {
  const [date, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const when = new Date(date ?? '');
  if (Number.isNaN(when.getTime()) || !uuid.safeParse(id).success) {
    throw new AppError(400, 'validation_failed', 'The cursor is not valid.');
  }
  return [when, id!];
}

const eventBody = z.strictObject({ event: eventSchema });

const search = operation(
  { operationId: 'searchEvents', tag: 'Events' },
  {
    method: 'get',
    path: '/',
    summary: 'Search events, sorted by event date, in keyset pages (nextCursor)',
    request: { query: eventSearchSchema },
    responses: {
      200: json(eventPageSchema, 'A page of events'),
      ...problems({ 400: 'validation_failed (a filter or the cursor)' }),
    },
  },
);
const read = operation(
  { operationId: 'getEvent', tag: 'Events' },
  {
    method: 'get',
    path: '/{id}',
    summary: 'An event with its live counts',
    ...pathIds('id'),
    responses: { 200: json(eventBody, 'The event'), ...problems({ 404: true }) },
  },
);
const create = operation(
  { operationId: 'createEvent', tag: 'Events', role: 'admin' },
  {
    method: 'post',
    path: '/',
    summary: 'Create an event and its whole seat inventory (one price per section of the venue)',
    request: jsonRequest(createEventSchema),
    responses: {
      201: json(eventBody, 'The new event'),
      ...problems({ 409: "venue_changed: the venue's sections changed meanwhile" }),
    },
  },
);
const update = operation(
  { operationId: 'updateEvent', tag: 'Events', role: 'admin' },
  {
    method: 'put',
    path: '/{id}',
    summary: 'Change an event: any of its fields but the venue',
    ...pathIds('id'),
    request: jsonRequest(updateEventSchema),
    responses: {
      200: json(eventBody, 'The changed event'),
      ...problems({ 404: true, 409: 'venue_locked (another venue), event_cancelled' }),
    },
  },
);

export function eventRoutes(deps: AppDeps) {
  const app = new ApiRoutes();

  // Both reads are served as rendered answers (Catalog.answer): held in process, or one Redis MGET.
  app.openapi(search, async (c) =>
    preserialised(
      c.body(
        await deps.catalog.answer(`list ${queryOf(c.req.url)}`, async () => {
          const f = c.req.valid('query');
          const rows = await deps.catalog.search({
            q: f.q,
            city: f.city,
            venueId: f.venueId,
            artist: f.artist,
            from: f.from,
            to: f.to,
            status: f.status,
            after: f.cursor ? decodeCursor(f.cursor) : undefined,
            limit: f.limit + 1,
          });
          const page = rows.slice(0, f.limit);
          const events = await Promise.all(page.map((row) => deps.catalog.view(row)));
          const nextCursor = rows.length > f.limit ? encodeCursor(page[page.length - 1]!) : null;
          return { events, nextCursor };
        }),
        200,
        JSON_TYPE,
      ),
    ),
  );

  app.openapi(read, async (c) =>
    preserialised(
      c.body(
        await deps.catalog.answer(`event ${c.req.param('id')}`, async () => ({
          event: await deps.catalog.view(await knownEvent(deps, c.req.param('id'))),
        })),
        200,
        JSON_TYPE,
      ),
    ),
  );

  app.openapi(create, async (c) => {
    const body = c.req.valid('json');
    const venue = await findVenue(deps.pool, body.venueId);
    if (!venue)
      throw new AppError(400, 'validation_failed', 'No such venue.', {
        errors: [{ path: 'venueId', message: 'unknown venue' }],
      });
    checkPrices(venue.sections, body.prices);
    checkDates(body.eventDate, body.onSaleDate, body.salesEndDate);
    const id = await deps.catalog
      .createEvent({
        name: body.name,
        artist: body.artist,
        venueId: venue.id,
        sections: venue.sections,
        eventDate: body.eventDate,
        onSaleDate: body.onSaleDate,
        salesEndDate: body.salesEndDate,
        highDemand: body.highDemand ?? false,
        prices: body.prices,
        queueRatePerSecond: body.queueRatePerSecond,
        queueCapacity: body.queueCapacity,
      })
      .catch((err: unknown) => {
        if (err instanceof VenueChangedError)
          throw new AppError(
            409,
            'venue_changed',
            "The venue's sections changed meanwhile; check the prices and retry.",
          );
        throw err;
      });
    return c.json({ event: await deps.catalog.view((await deps.catalog.findEvent(id))!) }, 201);
  });

  app.openapi(update, async (c) => {
    const body = c.req.valid('json');
    const event = await knownEvent(deps, c.req.param('id'));
    if (event.state === 'cancelled') throw new AppError(409, 'event_cancelled', 'A cancelled event cannot be changed.');
    if (body.venueId !== undefined && body.venueId !== event.venue_id) {
      throw new AppError(
        409,
        'venue_locked',
        'An event keeps the venue its seats were created for; cancel it and create another.',
      );
    }
    if (body.prices) checkPrices((await findVenue(deps.pool, event.venue_id))!.sections, body.prices);
    checkDates(
      body.eventDate ?? event.event_date,
      body.onSaleDate ?? event.on_sale_date,
      body.salesEndDate === undefined ? event.sales_end_date : body.salesEndDate,
    );
    await deps.catalog.updateEvent(event.id, {
      name: body.name,
      artist: body.artist,
      eventDate: body.eventDate,
      onSaleDate: body.onSaleDate,
      salesEndDate: body.salesEndDate,
      highDemand: body.highDemand,
      prices: body.prices,
      queueRatePerSecond: body.queueRatePerSecond,
      queueCapacity: body.queueCapacity,
    });
    return c.json({ event: await deps.catalog.view((await deps.catalog.findEvent(event.id))!) }, 200);
  });
  return app;
}

/** Exactly one price per section of the venue. */
function checkPrices(sections: readonly Section[], prices: Record<string, number>) {
  const missing = sections.map((s) => s.name).filter((name) => prices[name] === undefined);
  const extra = Object.keys(prices).filter((name) => !sections.some((s) => s.name === name));
  if (missing.length > 0 || extra.length > 0) {
    throw new AppError(400, 'validation_failed', 'Give exactly one price per section of the venue.', {
      missing,
      extra,
    });
  }
}

/** The sale opens no later than it ends, and ends no later than the event starts. */
function checkDates(eventDate: Date, onSaleDate: Date, salesEndDate: Date | null | undefined) {
  if (onSaleDate.getTime() > eventDate.getTime()) {
    throw new AppError(400, 'validation_failed', 'The sale cannot open after the event.');
  }
  if (salesEndDate && (salesEndDate.getTime() > eventDate.getTime() || salesEndDate.getTime() < onSaleDate.getTime())) {
    throw new AppError(400, 'validation_failed', 'Sales must end between the on-sale date and the event date.');
  }
}
