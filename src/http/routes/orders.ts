import { z } from '@hono/zod-openapi';
import { findOrder, listOrders } from '../../services/orders.js';
import { refundInEngine } from '../../services/refunds.js';
import { missingActor } from '../actors.js';
import type { AppDeps } from '../appDeps.js';
import { engineError, notFound, unavailable } from '../errors.js';
import { requireUser } from '../middleware/auth.js';
import type { SessionUser } from '../../services/sessions.js';
import { ApiRoutes, json, operation, pathIds, problems } from '../openapi.js';
import { orderSchema, uuid } from '../schemas.js';

const orderBody = z.strictObject({ order: orderSchema });

const list = operation(
  { operationId: 'listOrders', tag: 'Orders', role: 'user' },
  {
    method: 'get',
    path: '/',
    summary: "The caller's orders, newest first",
    responses: { 200: json(z.strictObject({ orders: z.array(orderSchema) }), 'The orders') },
  },
);
const read = operation(
  { operationId: 'getOrder', tag: 'Orders', role: 'user' },
  {
    method: 'get',
    path: '/{id}',
    summary: 'An order (its buyer or an admin)',
    ...pathIds('id'),
    responses: { 200: json(orderBody, 'The order'), ...problems({ 404: "not_found (another buyer's order too)" }) },
  },
);
const refund = operation(
  { operationId: 'refundOrder', tag: 'Orders', role: 'user' },
  {
    method: 'post',
    path: '/{id}/refund',
    summary: 'Refund an order (its buyer or an admin): its seats go back on sale',
    ...pathIds('id'),
    responses: {
      200: json(orderBody, 'The refunded order, once Postgres has it'),
      ...problems({
        404: true,
        409: 'order_not_refundable',
        503: 'the refund is done and being recorded: retry (Retry-After)',
      }),
    },
  },
);

export function orderRoutes(deps: AppDeps) {
  const app = new ApiRoutes();

  /** The order, if the caller may see it: another user's order is indistinguishable from a missing one. */
  async function visibleOrder(idParam: string, user: SessionUser) {
    const id = uuid.safeParse(idParam);
    const order = id.success ? await findOrder(deps.pool, id.data) : undefined;
    if (!order || (order.userId !== user.id && user.role !== 'admin')) throw notFound('order');
    return order;
  }

  app.openapi(list, async (c) => c.json({ orders: await listOrders(deps.pool, requireUser(c).id) }, 200));
  app.openapi(read, async (c) => c.json({ order: await visibleOrder(c.req.param('id'), requireUser(c)) }, 200));

  /** Refunds the order (owner or admin): its seats go back on sale; 200 once Postgres has the refund. */
  app.openapi(refund, async (c) => {
    const user = requireUser(c);
    const order = await visibleOrder(c.req.param('id'), user);
    if (order.status !== 'completed') throw engineError('order_not_refundable');
    const refusal = await deps.tickets.refundRefusal(order.id, user.role === 'admin');
    if (refusal) throw engineError('order_not_refundable', { reason: refusal });
    const result = await refundInEngine(deps, order.eventId, order.id, 'requested');
    // An order refunded in the engine but not yet in Postgres is a retry of this refund: wait for it.
    const alreadyRefunded = !result.ok && result.code === 'order_not_refundable' && result.detail === 'refunded';
    if (!result.ok && result.code === 'event_not_found') return missingActor(deps, order.eventId);
    if (!result.ok && !alreadyRefunded) throw engineError(result.code);
    c.get('log').info({ event: 'order_refunded', eventId: order.eventId, orderId: order.id });
    if (!(await deps.durable.wait(order.id, deps.durableTimeoutMs, 'refunded'))) {
      throw unavailable('The refund is done and being recorded; retry to see it.', deps.durable.retryAfterSeconds());
    }
    return c.json({ order: (await findOrder(deps.pool, order.id))! }, 200);
  });
  return app;
}
