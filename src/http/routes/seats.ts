import { Hono } from 'hono';
import type { EventLayout } from '../../services/catalog.js';
import { SeatMapRenderer } from '../../services/seatMap.js';
import { jsonBody } from '../body.js';
import type { AppDeps, AppEnv } from '../appDeps.js';
import { missingActor } from '../actors.js';
import { AppError, engineError, notFound } from '../errors.js';
import { requireUser } from '../middleware/auth.js';
import { seatRequestSchema, uuid } from '../schemas.js';


/** The seat UUIDs of a request as engine indices; an id not of this event is a 400. */
function indicesOf(layout: EventLayout, seatIds: string[]): number[] {
  const unknown = seatIds.filter((id) => !layout.indexOf.has(id));
  if (unknown.length > 0) {
    throw new AppError(400, 'validation_failed', 'Some seats do not belong to this event.', { unknownSeatIds: unknown });
  }
  return seatIds.map((id) => layout.indexOf.get(id)!);
}

export function seatRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const seatMaps = new SeatMapRenderer();

  app.get('/events/:id/seats', async (c) => {
    const id = uuid.safeParse(c.req.param('id'));
    const section = c.req.query('section');
    const layout = id.success ? await deps.catalog.layout(id.data) : undefined;
    if (!id.success || !layout) throw notFound('event');
    const snap = await deps.engine.snapshotEvent(id.data);
    if (!snap.ok) return missingActor(deps, id.data);
    return c.body(seatMaps.render(id.data, layout, snap, section), 200, { 'Content-Type': 'application/json' });
  });

  async function layoutOf(eventId: string): Promise<EventLayout> {
    const layout = await deps.catalog.layout(eventId);
    if (!layout) throw notFound('event');
    return layout;
  }

  app.post('/seats/reserve', async (c) => {
    const user = requireUser(c);
    const body = await jsonBody(c, seatRequestSchema);
    const layout = await layoutOf(body.eventId);
    const result = await deps.engine.reserveSeats(body.eventId, user.id, indicesOf(layout, body.seatIds));
    if (!result.ok) {
      if (result.code === 'event_not_found') return missingActor(deps, body.eventId);
      if (result.code === 'seats_unavailable') {
        c.get('log').info({ event: 'lock_contention', eventId: body.eventId, seats: result.seats?.length ?? 0 });
      }
      const unavailableSeatIds = (result.seats ?? []).map((i) => layout.seats[i]!.id);
      throw engineError(result.code, result.code === 'seats_unavailable' ? { unavailableSeatIds } : {});
    }
    c.get('log').info({ event: 'seat_reserved', eventId: body.eventId, seats: body.seatIds.length });
    deps.metrics.seatsReserved.inc(body.seatIds.length);
    const expiresAt = Math.min(...result.held.map((h) => h.deadlineMs));
    return c.json({
      hold: {
        eventId: body.eventId,
        seatIds: result.held.map((h) => layout.seats[h.index]!.id),
        expiresAt: new Date(expiresAt).toISOString(),
        totalCents: result.held.reduce((sum, h) => sum + layout.seats[h.index]!.priceCents, 0),
      },
    }, 201);
  });

  app.delete('/seats/release', async (c) => {
    const user = requireUser(c);
    const body = await jsonBody(c, seatRequestSchema);
    const layout = await layoutOf(body.eventId);
    const result = await deps.engine.releaseSeats(body.eventId, user.id, indicesOf(layout, body.seatIds));
    if (!result.ok) {
      if (result.code === 'event_not_found') return missingActor(deps, body.eventId);
      throw engineError(result.code);
    }
    c.get('log').info({ event: 'seat_released', eventId: body.eventId, seats: result.released.length });
    deps.metrics.seatsReleased.inc(result.released.length);
    return c.json({ releasedSeatIds: result.released.map((i) => layout.seats[i]!.id) });
  });
  return app;
}
