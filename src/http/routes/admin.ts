import { z } from '@hono/zod-openapi';
import { cancelEvent } from '../../services/cancellation.js';
import { eventStats } from '../../services/eventStats.js';
import { decodeOrderCursor, searchOrders } from '../../services/orderSearch.js';
import { knownEvent } from '../actors.js';
import type { AppDeps } from '../appDeps.js';
import { AppError, notFound, unavailable } from '../errors.js';
import { requireAdmin } from '../middleware/auth.js';
import { ApiRoutes, json, operation, pathIds, problems } from '../openapi.js';
import { adminOrderSearchSchema, eventSchema, orderPageSchema, statsSchema } from '../schemas.js';
import { webhookRoutes } from './webhooks.js';

const orders = operation(
  { operationId: 'searchOrders', tag: 'Admin', role: 'admin' },
  {
    method: 'get',
    path: '/orders',
    summary: "Every buyer's orders, newest first; filters email, eventId, status, from, to; keyset pages",
    request: { query: adminOrderSearchSchema },
    responses: {
      200: json(orderPageSchema, 'A page of orders'),
      ...problems({ 400: 'validation_failed (a filter or the cursor)' }),
    },
  },
);
const stats = operation(
  { operationId: 'getEventStats', tag: 'Admin', role: 'admin' },
  {
    method: 'get',
    path: '/events/{id}/stats',
    summary: 'Live seat counts, revenue, orders and the queue',
    ...pathIds('id'),
    responses: { 200: json(statsSchema, 'The statistics'), ...problems({ 404: true }) },
  },
);
const cancel = operation(
  { operationId: 'cancelEvent', tag: 'Admin', role: 'admin' },
  {
    method: 'post',
    path: '/events/{id}/cancel',
    summary: 'Cancel the event and refund every order; no further holds or sales',
    ...pathIds('id'),
    responses: {
      200: json(z.strictObject({ event: eventSchema, refundedOrders: z.number().int() }), 'The cancelled event'),
      ...problems({ 404: true, 503: 'cancelled, refunds being recorded: retry to confirm (Retry-After)' }),
    },
  },
);

export function adminRoutes(deps: AppDeps) {
  const app = new ApiRoutes();
  app.use(async (c, next) => {
    requireAdmin(c);
    await next();
  });

  /** Every buyer's orders, newest first, by keyset pages (support staff find a buyer by email). */
  app.openapi(orders, async (c) => {
    const f = c.req.valid('query');
    const before = f.cursor === undefined ? undefined : decodeOrderCursor(f.cursor);
    if (f.cursor !== undefined && !before) throw new AppError(400, 'validation_failed', 'The cursor is not valid.');
    return c.json(await searchOrders(deps.pool, { ...f, before }), 200);
  });

  app.openapi(stats, async (c) => c.json(await eventStats(deps, (await knownEvent(deps, c.req.param('id'))).id), 200));

  app.openapi(cancel, async (c) => {
    const eventId = (await knownEvent(deps, c.req.param('id'))).id;
    const result = await cancelEvent(deps, eventId, deps.durableTimeoutMs);
    if (!result.ok) throw notFound('event');
    c.get('log').info({ event: 'event_cancelled', eventId, refundedOrders: result.refundedOrderIds.length });
    if (!result.durable)
      throw unavailable(
        'The event is cancelled and its refunds are being recorded; retry to confirm.',
        deps.durable.retryAfterSeconds(),
      );
    return c.json(
      {
        event: await deps.catalog.view((await deps.catalog.findEvent(eventId))!),
        refundedOrders: result.refundedOrderIds.length,
      },
      200,
    );
  });

  app.route('/webhooks', webhookRoutes(deps));
  return app;
}
