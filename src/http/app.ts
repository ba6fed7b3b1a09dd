import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppDeps, AppEnv } from './appDeps.js';
import { AppError, problemBody } from './errors.js';
import { knownError } from './faultAnswers.js';
import { apiGate, DEFAULT_REQUEST_DEADLINE_MS, edge } from './middleware/edge.js';
import { requestContext } from './middleware/requestContext.js';
import { docsRoutes } from './docs.js';
import { ApiRoutes, DOCUMENT_CONFIG, json, openApiDocument, operation } from './openapi.js';
import { DEFAULT_LIMITS, type EngineLimits } from '../engine/context.js';
import { adminRoutes } from './routes/admin.js';
import { authRoutes } from './routes/auth.js';
import { checkoutRoutes } from './routes/checkout.js';
import { eventRoutes } from './routes/events.js';
import { healthRoutes } from './routes/health.js';
import { liveRoutes } from './routes/live.js';
import { orderRoutes } from './routes/orders.js';
import { queueRoutes } from './routes/queue.js';
import { seatRoutes } from './routes/seats.js';
import { ticketRoutes } from './routes/tickets.js';
import { venueRoutes } from './routes/venues.js';
import { serveWebApp } from './webApp.js';

const metricsOp = operation(
  { operationId: 'metrics', tag: 'Operations', rateLimited: false },
  {
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics',
    responses: {
      200: { description: 'The Prometheus text format', content: { 'text/plain': { schema: z.string() } } },
    },
  },
);
const documentOp = operation(
  { operationId: 'openApiDocument', tag: 'Operations', rateLimited: false },
  {
    method: 'get',
    path: '/openapi.json',
    summary: 'This document: OpenAPI 3.1, generated from the route definitions',
    responses: { 200: json(z.looseObject({ openapi: z.string() }), 'The OpenAPI document') },
  },
);

/** The whole HTTP API, built from its dependencies; every route is an operation of /openapi.json. */
export function createApp(deps: AppDeps) {
  const app = new ApiRoutes();
  const answerError = (err: Error, c: Context<AppEnv>) => problem(c, knownError(deps, err, c.get('log') ?? deps.log));
  app.use(
    edge({
      context: requestContext(deps),
      webApp: serveWebApp(deps.webDir),
      apiGate: apiGate(deps),
      deadlineMs: deps.requestDeadlineMs ?? DEFAULT_REQUEST_DEADLINE_MS,
      answerError,
    }),
  );

  app.route('/', healthRoutes(deps));
  app.openapi(metricsOp, async (c) =>
    c.text(await deps.metrics.registry.metrics(), 200, { 'Content-Type': deps.metrics.registry.contentType }),
  );
  app.openapi(documentOp, (c) => c.json(document, 200));
  app.route('/', docsRoutes());
  app.route('/api/auth', authRoutes(deps));
  app.route('/api/venues', venueRoutes(deps));
  app.route('/api/events', eventRoutes(deps));
  app.route('/api/events', liveRoutes(deps));
  app.route('/api', seatRoutes(deps));
  app.route('/api', ticketRoutes(deps));
  app.route('/api/checkout', checkoutRoutes(deps));
  app.route('/api/orders', orderRoutes(deps));
  app.route('/api/queue', queueRoutes(deps));
  app.route('/api/admin', adminRoutes(deps));

  const document = openApiDocument(app);
  const allowed = allowedMethods(app.routes);
  app.notFound((c) => {
    const methods = allowed(c.req.path);
    const err =
      methods.length > 0
        ? new AppError(
            405,
            'method_not_allowed',
            `${c.req.method} is not allowed here; use ${methods.join(', ')}.`,
            {},
            { Allow: methods.join(', ') },
          )
        : new AppError(404, 'not_found', `No route for ${c.req.method} ${c.req.path}.`);
    return problem(c, err);
  });
  app.onError(answerError);
  return app;
}

/**
 * The OpenAPI document without a running system (web/tools/generateApiTypes.ts): the app is built
 * only to read its route definitions; no handler runs, so its dependencies are left out.
 */
export function describeApi(limits: EngineLimits = DEFAULT_LIMITS) {
  const definitionsOnly = { engine: { limits }, trustedProxies: [] } as unknown as AppDeps;
  return createApp(definitionsOnly).getOpenAPI31Document(DOCUMENT_CONFIG);
}

function problem(c: Context<AppEnv>, err: AppError) {
  for (const [name, value] of Object.entries(err.headers)) c.header(name, value);
  return c.json(problemBody(err, c.req.path), err.status as ContentfulStatusCode, {
    'Content-Type': 'application/problem+json',
  });
}

/** For a path no route answers with this method: the methods that do answer it (a 405 then). */
function allowedMethods(routes: readonly { method: string; path: string }[]) {
  const patterns = routes
    .filter((r) => r.method !== 'ALL')
    .map((r) => ({
      method: r.method,
      regex: new RegExp(`^${r.path.replace(/:[^/]+/g, '[^/]+').replace(/\*/g, '.*')}/?$`),
    }));
  return (path: string) => [...new Set(patterns.filter((p) => p.regex.test(path)).map((p) => p.method))];
}
