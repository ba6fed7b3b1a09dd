import type { HoldLine } from '../../engine/context.js';
import type { ReserveResult } from '../../engine/operations/reserveSeats.js';
import { bestAreas } from '../../services/bestAvailable.js';
import type { EventLayout } from '../../services/catalog.js';
import { SeatMapRenderer } from '../../services/seatMap.js';
import { TurnSharedReads } from '../../services/turnSharedReads.js';
import type { AppDeps, AppEnv } from '../appDeps.js';
import { actorNeedsLoad, missingActor } from '../actors.js';
import { acceptsGzip } from '../encoding.js';
import { AppError, engineError, notFound } from '../errors.js';
import { requireUser } from '../middleware/auth.js';
import { applyScriptRate, scriptRate } from '../middleware/rateLimit.js';
import {
  ApiRoutes,
  json,
  jsonRequest,
  operation,
  optionalParameter,
  pathIds,
  plainAnswer,
  problems,
} from '../openapi.js';
import {
  bestSeatsSchemaFor,
  extendHoldSchema,
  holdSchema,
  releasedSchema,
  seatMapSchema,
  seatRequestSchemaFor,
  uuid,
} from '../schemas.js';

/** The seat UUIDs of a request as engine indices; an id not of this event is a 400. */
function indicesOf(layout: EventLayout, seatIds: string[]): number[] {
  const unknown = seatIds.filter((id) => !layout.indexOf.has(id));
  if (unknown.length > 0) {
    throw new AppError(400, 'validation_failed', 'Some seats do not belong to this event.', {
      unknownSeatIds: unknown,
    });
  }
  return seatIds.map((id) => layout.indexOf.get(id)!);
}

/** The hold document of reserve, best available and extend: every seat the caller holds. */
function holdView(eventId: string, layout: EventLayout, held: HoldLine[]) {
  return {
    hold: {
      eventId,
      seatIds: held.map((h) => layout.seats[h.index]!.id),
      expiresAt: new Date(Math.min(...held.map((h) => h.deadlineMs))).toISOString(),
      totalCents: held.reduce((sum, h) => sum + layout.seats[h.index]!.priceCents, 0),
    },
  };
}

const HOLD_REFUSALS = 'seats_unavailable (with unavailableSeatIds), hold_limit_exceeded, event_not_on_sale';

/** The seat operations; the number of seats a request may name is the engine's MAX_SEATS_PER_HOLD. */
function seatOperations(maxSeats: number) {
  const seatRequest = seatRequestSchemaFor(maxSeats);
  return {
    seatMap: operation(
      { operationId: 'getSeatMap', tag: 'Events' },
      {
        method: 'get',
        path: '/events/{id}/seats',
        summary: "The full seat map with every seat's status (optionally one section)",
        parameters: [...pathIds('id').parameters, optionalParameter('query', 'section', 'only this section', 'Floor')],
        responses: { 200: json(seatMapSchema, 'The seat map'), ...problems({ 404: true, 503: true }) },
      },
    ),
    reserve: operation(
      { operationId: 'reserveSeats', tag: 'Seats', role: 'user' },
      {
        method: 'post',
        path: '/seats/reserve',
        summary: 'Hold seats; the answer is every seat the caller holds for the event',
        request: jsonRequest(seatRequest),
        responses: {
          201: json(holdSchema, "The caller's hold"),
          ...problems({ 403: 'queue_admission_required', 404: true, 409: HOLD_REFUSALS, 503: true }),
        },
      },
    ),
    best: operation(
      { operationId: 'reserveBestSeats', tag: 'Seats', role: 'user' },
      {
        method: 'post',
        path: '/seats/best',
        summary: 'Hold the best block of adjacent seats in one row, atomically',
        request: jsonRequest(bestSeatsSchemaFor(maxSeats)),
        responses: {
          201: json(holdSchema, "The caller's hold"),
          ...problems({
            403: 'queue_admission_required',
            404: true,
            409: `${HOLD_REFUSALS}; seats_unavailable when no block fits`,
            503: true,
          }),
        },
      },
    ),
    extend: operation(
      { operationId: 'extendHold', tag: 'Seats', role: 'user' },
      {
        method: 'post',
        path: '/seats/extend',
        summary: 'More time for the hold, once per hold',
        request: jsonRequest(extendHoldSchema),
        responses: {
          200: json(holdSchema, 'The extended hold'),
          ...problems({ 404: true, 409: 'no_active_hold, hold_extension_used, event_not_on_sale', 503: true }),
        },
      },
    ),
    release: operation(
      { operationId: 'releaseSeats', tag: 'Seats', role: 'user' },
      {
        method: 'delete',
        path: '/seats/release',
        summary: 'Release held seats (only those the caller holds)',
        request: jsonRequest(seatRequest),
        responses: { 200: json(releasedSchema, 'The seats released'), ...problems({ 404: true, 503: true }) },
      },
    ),
  };
}

export function seatRoutes(deps: AppDeps) {
  const app = new ApiRoutes();
  const seatMaps = new SeatMapRenderer();
  const mapStates = new TurnSharedReads((eventId) => deps.engine.seatMapState(eventId));
  const snapshots = new TurnSharedReads((eventId) => deps.engine.snapshotEvent(eventId));
  const op = seatOperations(deps.engine.limits.maxSeatsPerCall);

  app.openapi(op.seatMap, async (c) => {
    const id = uuid.safeParse(c.req.param('id'));
    const section = c.req.query('section');
    const layout = id.success ? await deps.catalog.layout(id.data) : undefined;
    if (!id.success || !layout) throw notFound('event');
    const gzip = acceptsGzip(c);
    // Three small replies (shared by this turn's requests) say whether the map rendered last is
    // still exact; the seat string is read only when it is not.
    const current = await mapStates.get(id.data);
    let rendered = current && seatMaps.cached(layout, section, SeatMapRenderer.stateOf(current), gzip);
    if (!rendered) {
      const snap = await snapshots.get(id.data);
      if (!snap.ok) return missingActor(deps, id.data);
      rendered = seatMaps.render(id.data, layout, snap, section, gzip);
    }
    const { body, gzip: gzipped } = rendered;
    return plainAnswer(body, 200, {
      'Content-Type': 'application/json',
      Vary: 'Accept-Encoding',
      ...(gzipped ? { 'Content-Encoding': 'gzip' } : {}),
    });
  });

  /** The event's layout, or 404: at once when this process has it (the hot paths), else after a look. */
  function layoutOf(eventId: string): EventLayout | Promise<EventLayout> {
    return (
      deps.catalog.knownLayout(eventId) ??
      deps.catalog.layout(eventId).then((layout) => {
        if (!layout) throw notFound('event');
        return layout;
      })
    );
  }

  type Refusal = Extract<ReserveResult, { ok: false }>;
  /** A refused hold as its problem answer (an actor lost by Redis is restored first). */
  async function holdRefused(
    c: { get(key: 'log'): AppEnv['Variables']['log'] },
    eventId: string,
    layout: EventLayout,
    result: Refusal,
  ): Promise<never> {
    if (actorNeedsLoad(result.code)) return missingActor(deps, eventId);
    if (result.code === 'seats_unavailable') {
      c.get('log').info({ event: 'lock_contention', eventId, seats: result.seats?.length ?? 0 });
    }
    const unavailableSeatIds = (result.seats ?? []).map((i) => layout.seats[i]!.id);
    throw engineError(result.code, result.code === 'seats_unavailable' ? { unavailableSeatIds } : {});
  }

  app.openapi(op.reserve, async (c) => {
    const user = requireUser(c);
    const body = c.req.valid('json');
    const layout = await layoutOf(body.eventId);
    const result = await deps.engine.reserveSeats(
      body.eventId,
      user.id,
      indicesOf(layout, body.seatIds),
      scriptRate(c),
    );
    applyScriptRate(c, deps.metrics, result.rate);
    if (!result.ok) return holdRefused(c, body.eventId, layout, result);
    c.get('log').info({ event: 'seat_reserved', eventId: body.eventId, seats: body.seatIds.length });
    deps.metrics.seatsReserved.inc(body.seatIds.length);
    return c.json(holdView(body.eventId, layout, result.held), 201);
  });

  /** Best available: the engine chooses and holds the block in one script, so no two buyers get one seat. */
  app.openapi(op.best, async (c) => {
    const user = requireUser(c);
    const body = c.req.valid('json');
    const layout = await layoutOf(body.eventId);
    const areas = bestAreas(layout, body);
    if (!areas)
      throw new AppError(400, 'validation_failed', 'This event has no such section.', { section: body.section });
    const result = await deps.engine.reserveBestSeats(body.eventId, user.id, body.quantity, areas, scriptRate(c));
    applyScriptRate(c, deps.metrics, result.rate);
    if (!result.ok) return holdRefused(c, body.eventId, layout, result);
    c.get('log').info({ event: 'seat_reserved', eventId: body.eventId, seats: body.quantity, best: true });
    deps.metrics.seatsReserved.inc(body.quantity);
    return c.json(holdView(body.eventId, layout, result.held), 201);
  });

  app.openapi(op.extend, async (c) => {
    const user = requireUser(c);
    const body = c.req.valid('json');
    const layout = await layoutOf(body.eventId);
    const result = await deps.engine.extendHold(body.eventId, user.id);
    if (!result.ok) {
      if (actorNeedsLoad(result.code)) return missingActor(deps, body.eventId);
      throw engineError(result.code);
    }
    c.get('log').info({ event: 'hold_extended', eventId: body.eventId, seats: result.held.length });
    deps.metrics.holdsExtended.inc();
    return c.json(holdView(body.eventId, layout, result.held), 200);
  });

  app.openapi(op.release, async (c) => {
    const user = requireUser(c);
    const body = c.req.valid('json');
    const layout = await layoutOf(body.eventId);
    const result = await deps.engine.releaseSeats(
      body.eventId,
      user.id,
      indicesOf(layout, body.seatIds),
      scriptRate(c),
    );
    applyScriptRate(c, deps.metrics, result.rate);
    if (!result.ok) {
      if (result.code === 'event_not_found') return missingActor(deps, body.eventId);
      throw engineError(result.code);
    }
    c.get('log').info({ event: 'seat_released', eventId: body.eventId, seats: result.released.length });
    deps.metrics.seatsReleased.inc(result.released.length);
    return c.json({ releasedSeatIds: result.released.map((i) => layout.seats[i]!.id) }, 200);
  });
  return app;
}
