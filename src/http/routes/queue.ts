import type { Context } from 'hono';
import type { StandingResult } from '../../engine/operations/queueScripts.js';
import { queueView } from '../../services/queueView.js';
import { missingActor } from '../actors.js';
import type { AppDeps, AppEnv } from '../appDeps.js';
import { engineError, notFound } from '../errors.js';
import { requireUser } from '../middleware/auth.js';
import { applyScriptRate, scriptRate } from '../middleware/rateLimit.js';
import { ApiRoutes, json, operation, pathIds, problems } from '../openapi.js';
import { queueStandingSchema, queueStatusSchema, uuid } from '../schemas.js';

const QUEUE_PROBLEMS = problems({ 404: true, 409: 'queue_not_enabled: the event is not high-demand', 503: true });
const join = operation(
  { operationId: 'joinQueue', tag: 'Queue', role: 'user' },
  {
    method: 'post',
    path: '/{eventId}/join',
    summary: 'Join the waiting room (joining again keeps the place)',
    ...pathIds('eventId'),
    responses: { 200: json(queueStandingSchema, 'The place in the queue'), ...QUEUE_PROBLEMS },
  },
);
const position = operation(
  { operationId: 'getQueuePosition', tag: 'Queue', role: 'user' },
  {
    method: 'get',
    path: '/{eventId}/position',
    summary: 'The place in the waiting room (1-based while waiting, 0 once admitted)',
    ...pathIds('eventId'),
    responses: { 200: json(queueStandingSchema, 'The place in the queue'), ...QUEUE_PROBLEMS },
  },
);
const status = operation(
  { operationId: 'getQueueStatus', tag: 'Queue', role: 'user' },
  {
    method: 'get',
    path: '/{eventId}/status',
    summary: 'Waiting, admitted (until when) or expired',
    ...pathIds('eventId'),
    responses: { 200: json(queueStatusSchema, 'The standing'), ...QUEUE_PROBLEMS },
  },
);
const leave = operation(
  { operationId: 'leaveQueue', tag: 'Queue', role: 'user' },
  {
    method: 'post',
    path: '/{eventId}/leave',
    summary: 'Give up the place or the admission',
    ...pathIds('eventId'),
    responses: { 204: { description: 'Left' }, ...problems({ 404: true }) },
  },
);

/** The virtual waiting room of high-demand events. */
export function queueRoutes(deps: AppDeps) {
  const app = new ApiRoutes();

  function eventIdOf(param: string): string {
    const id = uuid.safeParse(param);
    if (!id.success) throw notFound('event');
    return id.data;
  }

  async function standingOf(c: Context<AppEnv>, eventId: string, result: StandingResult) {
    applyScriptRate(c, deps.metrics, result.rate);
    if (result.ok) return result;
    if (result.code === 'event_not_found') return missingActor(deps, eventId);
    throw engineError(result.code);
  }

  app.openapi(join, async (c) => {
    const user = requireUser(c);
    const eventId = eventIdOf(c.req.param('eventId'));
    const standing = await standingOf(c, eventId, await deps.engine.joinQueue(eventId, user.id, scriptRate(c)));
    c.get('log').info({ event: 'queue_joined', eventId, position: standing.position });
    return c.json(queueView(standing, deps.engine.clock.now()), 200);
  });

  app.openapi(position, async (c) => {
    const user = requireUser(c);
    const eventId = eventIdOf(c.req.param('eventId'));
    const standing = await standingOf(c, eventId, await deps.engine.queuePosition(eventId, user.id, scriptRate(c)));
    return c.json(queueView(standing, deps.engine.clock.now()), 200);
  });

  app.openapi(status, async (c) => {
    const user = requireUser(c);
    const eventId = eventIdOf(c.req.param('eventId'));
    const standing = await standingOf(c, eventId, await deps.engine.queuePosition(eventId, user.id));
    return c.json(
      {
        status: standing.status,
        ...(standing.admittedUntilMs ? { admittedUntil: new Date(standing.admittedUntilMs).toISOString() } : {}),
      },
      200,
    );
  });

  /** Gives up the place or the admission, freeing capacity for the next buyer. */
  app.openapi(leave, async (c) => {
    const user = requireUser(c);
    await deps.engine.leaveQueue(eventIdOf(c.req.param('eventId')), user.id);
    return c.body(null, 204);
  });
  return app;
}
