import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppDeps, AppEnv } from './env.js';
import { AppError, problemBody } from './errors.js';
import { authenticate } from './middleware/auth.js';
import { requestContext } from './middleware/requestContext.js';
import { openApiDocument } from './openapi.js';
import { adminRoutes } from './routes/admin.js';
import { authRoutes } from './routes/auth.js';
import { checkoutRoutes } from './routes/checkout.js';
import { eventRoutes } from './routes/events.js';
import { healthRoutes } from './routes/health.js';
import { orderRoutes } from './routes/orders.js';
import { queueRoutes } from './routes/queue.js';
import { seatRoutes } from './routes/seats.js';
import { venueRoutes } from './routes/venues.js';

/** The whole HTTP API, built from its dependencies. */
export function createApp(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  app.use(requestContext());
  app.use('/api/*', authenticate(deps));

  app.route('/', healthRoutes(deps));
  const document = openApiDocument();
  app.get('/openapi.json', (c) => c.json(document));
  app.route('/api/auth', authRoutes(deps));
  app.route('/api/venues', venueRoutes(deps));
  app.route('/api/events', eventRoutes(deps));
  app.route('/api', seatRoutes(deps));
  app.route('/api/checkout', checkoutRoutes(deps));
  app.route('/api/orders', orderRoutes(deps));
  app.route('/api/queue', queueRoutes(deps));
  app.route('/api/admin', adminRoutes(deps));

  const allowed = allowedMethods(app.routes);
  app.notFound((c) => {
    const methods = allowed(c.req.path);
    const err = methods.length > 0
      ? new AppError(405, 'method_not_allowed', `${c.req.method} is not allowed here; use ${methods.join(', ')}.`, {}, { Allow: methods.join(', ') })
      : new AppError(404, 'not_found', `No route for ${c.req.method} ${c.req.path}.`);
    return problem(c, err);
  });
  app.onError((err, c) => {
    const known = err instanceof AppError ? err : new AppError(500, 'internal', 'Something went wrong on our side.');
    if (!(err instanceof AppError)) deps.log.error({ err, requestId: c.get('requestId') }, 'unhandled error');
    return problem(c, known);
  });
  return app;
}

function problem(c: Context<AppEnv>, err: AppError) {
  for (const [name, value] of Object.entries(err.headers)) c.header(name, value);
  return c.json(problemBody(err, c.req.path), err.status as ContentfulStatusCode, { 'Content-Type': 'application/problem+json' });
}

/** For a path no route answers with this method: the methods that do answer it (a 405 then). */
function allowedMethods(routes: readonly { method: string; path: string }[]) {
  const patterns = routes
    .filter((r) => r.method !== 'ALL')
    .map((r) => ({ method: r.method, regex: new RegExp(`^${r.path.replace(/:[^/]+/g, '[^/]+').replace(/\*/g, '.*')}/?$`) }));
  return (path: string) => [...new Set(patterns.filter((p) => p.regex.test(path)).map((p) => p.method))];
}
