import { Hono } from 'hono';
import { findOrder, listOrders } from '../../services/orders.js';
import type { AppDeps, AppEnv } from '../env.js';
import { notFound } from '../errors.js';
import { requireUser } from '../middleware/auth.js';
import { uuid } from './schemas.js';

export function orderRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  app.get('/', async (c) => c.json({ orders: await listOrders(deps.pool, requireUser(c).id) }));
  app.get('/:id', async (c) => {
    const user = requireUser(c);
    const id = uuid.safeParse(c.req.param('id'));
    const order = id.success ? await findOrder(deps.pool, id.data) : undefined;
    // Another user's order is indistinguishable from a missing one.
    if (!order || (order.userId !== user.id && user.role !== 'admin')) throw notFound('order');
    return c.json({ order });
  });
  return app;
}
