import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../appDeps.js';

export function healthRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    if (deps.shutdown?.draining) return c.json({ status: 'draining', redis: false, postgres: false }, 503);
    const [redis, postgres] = await Promise.all([
      deps.engine.ping().then(() => true, () => false),
      deps.pool.query('SELECT 1').then(() => true, () => false),
    ]);
    return c.json({ status: redis && postgres ? 'ok' : 'unavailable', redis, postgres }, redis && postgres ? 200 : 503);
  });
  return app;
}
