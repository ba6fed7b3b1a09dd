import { Hono } from 'hono';
import type { AppDeps, AppEnv } from './env.js';
import { AppError, problemBody } from './errors.js';
import { authenticate } from './middleware/auth.js';
import { requestContext } from './middleware/requestContext.js';
import { authRoutes } from './routes/auth.js';
import { checkoutRoutes } from './routes/checkout.js';
import { eventRoutes } from './routes/events.js';
import { healthRoutes } from './routes/health.js';
import { orderRoutes } from './routes/orders.js';
import { seatRoutes } from './routes/seats.js';
import { venueRoutes } from './routes/venues.js';

/** The whole HTTP API, built from its dependencies. */
export function createApp(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  app.use(requestContext());
  app.use('/api/*', authenticate(deps));

  app.route('/', healthRoutes(deps));
  app.route('/api/auth', authRoutes(deps));
  app.route('/api/venues', venueRoutes(deps));
  app.route('/api/events', eventRoutes(deps));
  app.route('/api', seatRoutes(deps));
  app.route('/api/checkout', checkoutRoutes(deps));
  app.route('/api/orders', orderRoutes(deps));

  app.notFound((c) => {
    const err = new AppError(404, 'not_found', `No route for ${c.req.method} ${c.req.path}.`);
    return c.json(problemBody(err, c.req.path), 404, { 'Content-Type': 'application/problem+json' });
  });
  app.onError((err, c) => {
    const known = err instanceof AppError ? err : new AppError(500, 'internal', 'Something went wrong on our side.');
    if (!(err instanceof AppError)) deps.log.error({ err, requestId: c.get('requestId') }, 'unhandled error');
    for (const [name, value] of Object.entries(known.headers)) c.header(name, value);
    return c.json(problemBody(known, c.req.path), known.status as 400, { 'Content-Type': 'application/problem+json' });
  });
  return app;
}
