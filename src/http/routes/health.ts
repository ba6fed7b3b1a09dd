import type { AppDeps } from '../appDeps.js';
import { ApiRoutes, json, operation } from '../openapi.js';
import { healthSchema, readinessSchema } from '../schemas.js';

const health = operation(
  { operationId: 'health', tag: 'Operations', rateLimited: false },
  {
    method: 'get',
    path: '/healthz',
    summary: 'The process runs',
    responses: { 200: json(healthSchema, 'Alive') },
  },
);
const ready = operation(
  { operationId: 'readiness', tag: 'Operations', rateLimited: false },
  {
    method: 'get',
    path: '/readyz',
    summary: 'Redis and Postgres answer, and the process is not shutting down',
    responses: {
      200: json(readinessSchema, 'Ready'),
      503: json(readinessSchema, 'Not ready: a store does not answer, or the process is draining'),
    },
  },
);

export function healthRoutes(deps: AppDeps) {
  const app = new ApiRoutes();
  app.openapi(health, (c) => c.json({ status: 'ok' as const }, 200));
  app.openapi(ready, async (c) => {
    if (deps.shutdown?.draining) return c.json({ status: 'draining' as const, redis: false, postgres: false }, 503);
    const [redis, postgres] = await Promise.all([
      deps.engine.ping().then(
        () => true,
        () => false,
      ),
      deps.pool.query('SELECT 1').then(
        () => true,
        () => false,
      ),
    ]);
    return redis && postgres
      ? c.json({ status: 'ok' as const, redis, postgres }, 200)
      : c.json({ status: 'unavailable' as const, redis, postgres }, 503);
  });
  return app;
}
