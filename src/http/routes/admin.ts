import { Hono } from 'hono';
import { cancelEvent } from '../../services/cancellation.js';
import { eventStats } from '../../services/eventStats.js';
import { knownEvent } from '../actors.js';
import type { AppDeps, AppEnv } from '../appDeps.js';
import { notFound, unavailable } from '../errors.js';
import { requireAdmin } from '../middleware/auth.js';
import { webhookRoutes } from './webhooks.js';

export function adminRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  app.use(async (c, next) => {
    requireAdmin(c);
    await next();
  });

  app.get('/events/:id/stats', async (c) => c.json(await eventStats(deps, (await knownEvent(deps, c.req.param('id'))).id)));

  app.post('/events/:id/cancel', async (c) => {
    const eventId = (await knownEvent(deps, c.req.param('id'))).id;
    const result = await cancelEvent(deps, eventId, deps.durableTimeoutMs);
    if (!result.ok) throw notFound('event');
    c.get('log').info({ event: 'event_cancelled', eventId, refundedOrders: result.refundedOrderIds.length });
    if (!result.durable) throw unavailable('The event is cancelled and its refunds are being recorded; retry to confirm.', 1);
    return c.json({ event: await deps.catalog.view((await deps.catalog.findEvent(eventId))!), refundedOrders: result.refundedOrderIds.length });
  });

  app.route('/webhooks', webhookRoutes(deps));
  return app;
}
