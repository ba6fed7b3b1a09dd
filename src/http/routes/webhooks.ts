import { Hono } from 'hono';
import { registerWebhook } from '../../notify/webhookRegistration.js';
import { deleteWebhook, listDeliveries, listWebhooks, webhookExists } from '../../notify/webhooks.js';
import type { AppDeps, AppEnv } from '../appDeps.js';
import { jsonBody } from '../body.js';
import { notFound, webhookUrlRefused } from '../errors.js';
import { createWebhookSchema, uuid } from '../schemas.js';

/** Admin: webhook subscriptions and their delivery log (mounted under the admin routes). */
export function webhookRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();

  app.post('/', async (c) => {
    const body = await jsonBody(c, createWebhookSchema);
    const result = await registerWebhook(deps.pool, body, deps.webhooksAllowPrivate);
    if (!result.ok) throw webhookUrlRefused(result.detail);
    const { id, url, events, secret } = result.webhook;
    c.get('log').info({ event: 'webhook_created', webhookId: id, url, events });
    return c.json({ webhook: { id, url, events, secret } }, 201);
  });

  app.get('/', async (c) => c.json({ webhooks: await listWebhooks(deps.pool) }));

  app.delete('/:id', async (c) => {
    const id = uuid.safeParse(c.req.param('id'));
    if (!id.success || !(await deleteWebhook(deps.pool, id.data))) throw notFound('webhook');
    return c.body(null, 204);
  });

  app.get('/:id/deliveries', async (c) => {
    const id = uuid.safeParse(c.req.param('id'));
    if (!id.success || !(await webhookExists(deps.pool, id.data))) throw notFound('webhook');
    return c.json({ deliveries: await listDeliveries(deps.pool, id.data) });
  });
  return app;
}
