import { Hono } from 'hono';
import { cancelEvent } from '../../services/cancellation.js';
import { eventStats } from '../../services/eventStats.js';
import { decodeOrderCursor, searchOrders } from '../../services/orderSearch.js';
import { knownEvent } from '../actors.js';
import type { AppDeps, AppEnv } from '../appDeps.js';
import { validate } from '../body.js';
import { AppError, notFound, unavailable } from '../errors.js';
import { requireAdmin } from '../middleware/auth.js';
import { adminOrderSearchSchema } from '../schemas.js';
import { webhookRoutes } from './webhooks.js';

export function adminRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  app.use(async (c, next) => {
    requireAdmin(c);
    await next();
  });

  /** Every buyer's orders, newest first, by keyset pages (support staff find a buyer by email). */
  app.get('/orders', async (c) => {
    const f = validate(adminOrderSearchSchema, c.req.query());
    const before = f.cursor === undefined ? undefined : decodeOrderCursor(f.cursor);
    if (f.cursor !== undefined && !before) throw new AppError(400, 'validation_failed', 'The cursor is not valid.');
    return c.json(await searchOrders(deps.pool, { ...f, before }));
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
