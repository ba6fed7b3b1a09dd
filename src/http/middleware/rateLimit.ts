import type { MiddlewareHandler } from 'hono';
import { clientAddress } from '../clientAddress.js';
import type { AppDeps, AppEnv } from '../appDeps.js';
import { AppError } from '../errors.js';

interface EndpointClass {
  name: string;
  perMinute: number;
  matches(method: string, path: string): boolean;
}

/** The rate limits of the API contract, most specific first. */
export const ENDPOINT_CLASSES: EndpointClass[] = [
  { name: 'auth', perMinute: 10, matches: (_m, p) => p.startsWith('/api/auth/') },
  { name: 'reserve', perMinute: 20, matches: (m, p) => m === 'POST' && (p === '/api/seats/reserve' || p === '/api/seats/best') },
  { name: 'checkout', perMinute: 5, matches: (m, p) => m === 'POST' && p === '/api/checkout' },
  { name: 'join', perMinute: 5, matches: (m, p) => m === 'POST' && /^\/api\/queue\/[^/]+\/join$/.test(p) },
  { name: 'default', perMinute: 100, matches: () => true },
];

/**
 * Rate limits per caller (the user, or the client address when anonymous) and endpoint
 * class, by one Lua GCRA limiter. It runs before any route, so a login over its limit is
 * refused before its password is hashed. If Redis cannot answer, requests pass: the write
 * paths fail on their own with a 503, and browsing keeps working.
 */
export function rateLimit(deps: AppDeps): MiddlewareHandler<AppEnv> {
  const trusted = new Set(deps.trustedProxies);
  return async (c, next) => {
    if (!deps.rateLimits) return next();
    const cls = ENDPOINT_CLASSES.find((k) => k.matches(c.req.method, c.req.path))!;
    const user = c.get('user');
    const caller = user ? `u:${user.id}` : `ip:${clientAddress(c, trusted)}`;
    const decision = await deps.engine.limitRate(cls.name, caller, cls.perMinute, 60_000).catch(() => undefined);
    if (!decision) return next();
    const headers = {
      'RateLimit-Limit': String(cls.perMinute),
      'RateLimit-Remaining': String(decision.remaining),
      'RateLimit-Reset': String(Math.ceil(decision.resetMs / 1000)),
    };
    if (!decision.allowed) {
      deps.metrics.rateLimited.inc({ class: cls.name });
      throw new AppError(429, 'rate_limited', `Too many requests; retry in ${Math.ceil(decision.retryAfterMs / 1000)} s.`, {}, {
        ...headers, 'Retry-After': String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000))),
      });
    }
    for (const [name, value] of Object.entries(headers)) c.header(name, value);
    await next();
  };
}
