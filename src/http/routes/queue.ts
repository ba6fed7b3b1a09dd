import { Hono, type Context } from 'hono';
import type { StandingResult } from '../../engine/operations/queueScripts.js';
import { queueView } from '../../services/queueView.js';
import { missingActor } from '../actors.js';
import type { AppDeps, AppEnv } from '../appDeps.js';
import { engineError, notFound } from '../errors.js';
import { requireUser } from '../middleware/auth.js';
import { applyScriptRate, scriptRate } from '../middleware/rateLimit.js';
import { uuid } from '../schemas.js';

/** The virtual waiting room of high-demand events. */
export function queueRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();

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

  app.post('/:eventId/join', async (c) => {
    const user = requireUser(c);
    const eventId = eventIdOf(c.req.param('eventId'));
    const standing = await standingOf(c, eventId, await deps.engine.joinQueue(eventId, user.id, scriptRate(c)));
    c.get('log').info({ event: 'queue_joined', eventId, position: standing.position });
    return c.json(queueView(standing, deps.engine.clock.now()));
  });

  app.get('/:eventId/position', async (c) => {
    const user = requireUser(c);
    const eventId = eventIdOf(c.req.param('eventId'));
    const standing = await standingOf(c, eventId, await deps.engine.queuePosition(eventId, user.id, scriptRate(c)));
    return c.json(queueView(standing, deps.engine.clock.now()));
  });

  app.get('/:eventId/status', async (c) => {
    const user = requireUser(c);
    const eventId = eventIdOf(c.req.param('eventId'));
    const standing = await standingOf(c, eventId, await deps.engine.queuePosition(eventId, user.id));
    return c.json({
      status: standing.status,
      ...(standing.admittedUntilMs ? { admittedUntil: new Date(standing.admittedUntilMs).toISOString() } : {}),
    });
  });

  /** Gives up the place or the admission, freeing capacity for the next buyer. */
  app.post('/:eventId/leave', async (c) => {
    const user = requireUser(c);
    await deps.engine.leaveQueue(eventIdOf(c.req.param('eventId')), user.id);
    return c.body(null, 204);
  });
  return app;
}
