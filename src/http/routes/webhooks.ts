import { registerWebhook } from '../../notify/webhookRegistration.js';
import { deleteWebhook, listDeliveries, listWebhooks, webhookExists } from '../../notify/webhooks.js';
import type { AppDeps } from '../appDeps.js';
import { notFound, webhookUrlRefused } from '../errors.js';
import { ApiRoutes, json, jsonRequest, operation, pathIds, problems } from '../openapi.js';
import { createdWebhookSchema, createWebhookSchema, deliveryListSchema, uuid, webhookListSchema } from '../schemas.js';

const create = operation(
  { operationId: 'createWebhook', tag: 'Admin', role: 'admin' },
  {
    method: 'post',
    path: '/',
    summary: 'Subscribe a URL to notification types; the signing secret is shown only here',
    request: jsonRequest(createWebhookSchema),
    responses: {
      201: json(createdWebhookSchema, 'The webhook with its secret'),
      ...problems({
        400: 'webhook_url_refused (loopback or private address, not http(s)), validation_failed, malformed_json',
      }),
    },
  },
);
const list = operation(
  { operationId: 'listWebhooks', tag: 'Admin', role: 'admin' },
  {
    method: 'get',
    path: '/',
    summary: 'Webhook subscriptions (without secrets)',
    responses: { 200: json(webhookListSchema, 'The webhooks') },
  },
);
const remove = operation(
  { operationId: 'deleteWebhook', tag: 'Admin', role: 'admin' },
  {
    method: 'delete',
    path: '/{id}',
    summary: 'Remove a webhook; its pending deliveries stop',
    ...pathIds('id'),
    responses: { 204: { description: 'Removed' }, ...problems({ 404: true }) },
  },
);
const deliveries = operation(
  { operationId: 'listDeliveries', tag: 'Admin', role: 'admin' },
  {
    method: 'get',
    path: '/{id}/deliveries',
    summary: "The webhook's delivery log, newest first",
    ...pathIds('id'),
    responses: { 200: json(deliveryListSchema, 'The deliveries'), ...problems({ 404: true }) },
  },
);

/** Admin: webhook subscriptions and their delivery log (mounted under the admin routes). */
export function webhookRoutes(deps: AppDeps) {
  const app = new ApiRoutes();

  app.openapi(create, async (c) => {
    const body = c.req.valid('json');
    const result = await registerWebhook(deps.pool, body, deps.webhooksAllowPrivate);
    if (!result.ok) throw webhookUrlRefused(result.detail);
    const { id, url, events, secret } = result.webhook;
    c.get('log').info({ event: 'webhook_created', webhookId: id, url, events });
    return c.json({ webhook: { id, url, events, secret } }, 201);
  });

  app.openapi(list, async (c) => c.json({ webhooks: await listWebhooks(deps.pool) }, 200));

  app.openapi(remove, async (c) => {
    const id = uuid.safeParse(c.req.param('id'));
    if (!id.success || !(await deleteWebhook(deps.pool, id.data))) throw notFound('webhook');
    return c.body(null, 204);
  });

  app.openapi(deliveries, async (c) => {
    const id = uuid.safeParse(c.req.param('id'));
    if (!id.success || !(await webhookExists(deps.pool, id.data))) throw notFound('webhook');
    return c.json({ deliveries: await listDeliveries(deps.pool, id.data) }, 200);
  });
  return app;
}
