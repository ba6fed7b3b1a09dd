import type { HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { LiveSink } from '../../services/liveHub.js';
import { SeatAvailability, type Conditional } from '../../services/seatAvailability.js';
import { missingActor } from '../actors.js';
import type { AppDeps, AppEnv } from '../appDeps.js';
import { acceptsGzip } from '../encoding.js';
import { AppError, notFound, unavailable } from '../errors.js';
import {
  ApiRoutes,
  json,
  operation,
  optionalParameter,
  pathIds,
  plainAnswer,
  preserialised,
  problems,
} from '../openapi.js';
import { availabilitySchema, layoutSchema, uuid } from '../schemas.js';

/** A cacheable JSON body or its 304: clients keep it and ask again with If-None-Match. */
function conditional(answer: Conditional) {
  const headers: Record<string, string> = { ETag: answer.etag, 'Cache-Control': 'no-cache', Vary: 'Accept-Encoding' };
  if (answer.notModified) return plainAnswer(null, 304, headers);
  headers['Content-Type'] = 'application/json';
  if (answer.gzip) headers['Content-Encoding'] = 'gzip';
  return plainAnswer(answer.body, 200, headers);
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
  // Headers go with the first event, so a refused join can still answer with a problem. The
  // server's response adds the security headers and the request id (SecuredResponse).
  const start = () => {
    outgoing.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Accel-Buffering': 'no',
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

/**
 * Documented as a parameter, not declared as a request schema: any value is a valid
 * If-None-Match, and a schema would make these, the hottest reads, parse every request's
 * headers into an object and validate it.
 */
const ifNoneMatch = optionalParameter('header', 'If-None-Match', 'The ETag of the copy the client has', '"42"');
const notModified = { 304: { description: 'Not Modified: the copy named by If-None-Match is current' } };

const layout = operation(
  { operationId: 'getLayout', tag: 'Events' },
  {
    method: 'get',
    path: '/{id}/layout',
    summary: 'The seats in layout order; changes only when prices change (ETag, If-None-Match gives 304)',
    parameters: [...pathIds('id').parameters, ifNoneMatch],
    responses: { 200: json(layoutSchema, 'The layout'), ...notModified, ...problems({ 404: true }) },
  },
);
const states = operation(
  { operationId: 'getAvailability', tag: 'Events' },
  {
    method: 'get',
    path: '/{id}/availability',
    summary: 'Seat states, one character per seat in layout order (ETag is the version; If-None-Match gives 304)',
    parameters: [...pathIds('id').parameters, ifNoneMatch],
    responses: {
      200: json(availabilitySchema, 'The seat states'),
      ...notModified,
      ...problems({ 404: true, 503: true }),
    },
  },
);
const live = operation(
  { operationId: 'streamAvailability', tag: 'Events' },
  {
    method: 'get',
    path: '/{id}/live',
    summary: 'Server-sent events: a snapshot, then coalesced changes (id = version; resume with Last-Event-ID)',
    description:
      'First an event `snapshot` (data {version, states, counts}), then events `changes` ' +
      '(data {fromVersion, version, seats: [[index, "a"|"h"|"s"], ...], counts}), at most one per LIVE_TICK_MS; a `: ping` comment at least every 15 s.',
    parameters: [
      ...pathIds('id').parameters,
      optionalParameter('header', 'Last-Event-ID', 'The last version seen', '42'),
    ],
    responses: {
      200: { description: 'The event stream', content: { 'text/event-stream': { schema: z.string() } } },
      ...problems({ 404: true, 503: 'redis_unavailable, live_connections_full (Retry-After)' }),
    },
  },
);

/** Seat layout, seat states and live changes (see docs/live.md). */
export function liveRoutes(deps: AppDeps) {
  const app = new ApiRoutes();
  const availability = new SeatAvailability(deps.engine, deps.catalog);

  app.openapi(layout, async (c) => {
    const answer = await availability.layout(eventIdOf(c), c.req.header('if-none-match'), acceptsGzip(c));
    if (!answer) throw notFound('event');
    return conditional(answer);
  });

  app.openapi(states, async (c) => {
    const eventId = eventIdOf(c);
    const answer = await availability.availability(eventId, c.req.header('if-none-match'), acceptsGzip(c));
    return answer ? conditional(answer) : missingActor(deps, eventId);
  });

  app.openapi(live, async (c) => {
    const eventId = eventIdOf(c);
    if (!deps.redisHealth.isUp)
      throw unavailable('Live updates are paused while the seat store is away; retry shortly.', 2, 'redis_unavailable');
    if (!(await deps.catalog.findEvent(eventId))) throw notFound('event');
    const lastEventId = c.req.header('last-event-id');
    const resumeFrom = lastEventId && /^\d{1,15}$/.test(lastEventId) ? Number(lastEventId) : undefined;
    const sink = nodeSink(c);
    if (!sink) throw new AppError(501, 'not_implemented', 'Live updates need the Node HTTP server.');
    const joined = await deps.live.join(eventId, resumeFrom, sink);
    if (!joined.ok) throw joined.reason === 'full' ? liveFull() : notFound('event');
    // The client went away (or was dropped): its place in the feed goes too.
    (c.env as HttpBindings).outgoing.once('close', () => joined.client.leave());
    return preserialised(RESPONSE_ALREADY_SENT);
  });
  return app;
}

const liveFull = () =>
  unavailable('This server has as many live connections as it takes; retry shortly.', 5, 'live_connections_full');
