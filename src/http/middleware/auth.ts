import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppDeps, AppEnv } from '../appDeps.js';
import { AppError, unavailable } from '../errors.js';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Finds the caller's session (cookie `sid` or `Authorization: Bearer`). A cookie-authenticated
 * unsafe request from a foreign Origin is refused (CSRF): bearer tokens are not sent by browsers
 * on their own.
 */
export function authenticate(deps: AppDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const bearer = /^Bearer (\S+)$/.exec(c.req.header('authorization') ?? '')?.[1];
    const cookie = getCookie(c, 'sid');
    const token = bearer ?? cookie;
    c.set('sessionToken', token);
    c.set('sessionUnavailable', false);
    let user: Awaited<ReturnType<typeof deps.sessions.get>>;
    try {
      user = token ? await deps.sessions.get(token) : undefined;
    } catch {
      // Redis is down: anonymous browsing goes on; routes that need the user answer 503.
      c.set('sessionUnavailable', true);
    }
    c.set('user', user);
    if (user) c.get('log').setUser(user.id);
    if (!bearer && cookie && UNSAFE.has(c.req.method)) {
      const origin = c.req.header('origin');
      if (origin && origin !== new URL(c.req.url).origin) {
        throw new AppError(403, 'forbidden', 'Cross-origin request refused.');
      }
    }
    await next();
  };
}

type WithUser = { get(key: 'user'): AppEnv['Variables']['user']; get(key: 'sessionUnavailable'): boolean };

export function requireUser(c: WithUser) {
  const user = c.get('user');
  if (!user && c.get('sessionUnavailable'))
    throw unavailable('Sessions cannot be checked right now; retry shortly.', 2, 'redis_unavailable');
  if (!user) throw new AppError(401, 'unauthenticated', 'Log in first.');
  return user;
}

export function requireAdmin(c: WithUser) {
  const user = requireUser(c);
  if (user.role !== 'admin') throw new AppError(403, 'forbidden', 'Admins only.');
  return user;
}

/** Door staff: an admin, or an account with the role `scanner`. */
export function requireScanner(c: WithUser) {
  const user = requireUser(c);
  if (user.role !== 'admin' && user.role !== 'scanner')
    throw new AppError(403, 'forbidden', 'Scanners and admins only.');
  return user;
}
