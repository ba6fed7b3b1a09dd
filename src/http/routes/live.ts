import type { HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { Hono, type Context } from 'hono';
import type { LiveSink } from '../../services/liveHub.js';
import { SeatAvailability, type Conditional } from '../../services/seatAvailability.js';
import { missingActor } from '../actors.js';
import type { AppDeps, AppEnv } from '../appDeps.js';
import { AppError, notFound, unavailable } from '../errors.js';
import { uuid } from '../schemas.js';

/** A cacheable JSON body or its 304: clients keep it and ask again with If-None-Match. */
function conditional(c: Context<AppEnv>, answer: Conditional) {
  c.header('ETag', answer.etag);
  c.header('Cache-Control', 'no-cache');
  if (answer.notModified) return c.body(null, 304);
  return c.body(answer.body, 200, { 'Content-Type': 'application/json' });
}

function eventIdOf(c: Context<AppEnv>): string {
  const id = uuid.safeParse(c.req.param('id'));
  if (!id.success) throw notFound('event');
  return id.data;
}

/** The Node response as a live sink: writes go straight to the socket, whose backlog shows a slow client. */
function nodeSink(c: Context<AppEnv>): LiveSink | undefined {
  const outgoing = (c.env as Partial<HttpBindings> | undefined)?.outgoing;
  if (!outgoing) return undefined;
  // Headers go with the first event, so a refused join can still answer with a problem.
  const start = () => {
    outgoing.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Accel-Buffering': 'no',
      'X-Content-Type-Options': 'nosniff',
      'X-Request-Id': c.get('requestId'),
    });
    outgoing.socket?.setNoDelay(true);
  };
  return {
    write(chunk) {
      if (!outgoing.headersSent) start();
      outgoing.write(chunk);
    },
    get bufferedBytes() {
      return outgoing.writableLength;
    },
    end: () => outgoing.end(),
    destroy: () => outgoing.destroy(),
  };
}

/** Seat layout, seat states and live changes (see docs/live.md). */
export function liveRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const availability = new SeatAvailability(deps.engine, deps.catalog);

  app.get('/:id/layout', async (c) => {
    const answer = await availability.layout(eventIdOf(c), c.req.header('if-none-match'));
    if (!answer) throw notFound('event');
    return conditional(c, answer);
  });

  app.get('/:id/availability', async (c) => {
    const eventId = eventIdOf(c);
    const answer = await availability.availability(eventId, c.req.header('if-none-match'));
    return answer ? conditional(c, answer) : missingActor(deps, eventId);
  });

  app.get('/:id/live', async (c) => {
    const eventId = eventIdOf(c);
    if (!deps.redisHealth.isUp) throw unavailable('Live updates are paused while the seat store is away; retry shortly.', 2, 'redis_unavailable');
    if (!(await deps.catalog.findEvent(eventId))) throw notFound('event');
    const lastEventId = c.req.header('last-event-id');
    const resumeFrom = lastEventId && /^\d{1,15}$/.test(lastEventId) ? Number(lastEventId) : undefined;
    const sink = nodeSink(c);
    if (!sink) throw new AppError(501, 'not_implemented', 'Live updates need the Node HTTP server.');
    const joined = await deps.live.join(eventId, resumeFrom, sink);
    if (!joined.ok) throw joined.reason === 'full' ? liveFull() : notFound('event');
    // The client went away (or was dropped): its place in the feed goes too.
    (c.env as HttpBindings).outgoing.once('close', () => joined.client.leave());
    return RESPONSE_ALREADY_SENT;
  });
  return app;
}

const liveFull = () => unavailable('This server has as many live connections as it takes; retry shortly.', 5, 'live_connections_full');
