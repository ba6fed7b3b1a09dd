import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import type { SessionUser } from '../../services/sessions.js';
import type { AppDeps, AppEnv } from '../appDeps.js';
import { AppError, unavailable } from '../errors.js';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Finds the caller's session (cookie `sid` or `Authorization: Bearer`). A cookie-authenticated
 * unsafe request from a foreign Origin is refused (CSRF): bearer tokens are not sent by browsers
 * on their own. A step of the API gate (app.ts): synchronous when this process knows the
 * session already, a promise only when Redis must be asked.
 */
export function authenticate(deps: AppDeps): (c: Context<AppEnv>) => void | Promise<void> {
  const finish = (c: Context<AppEnv>, bearer: string | undefined, cookie: string | undefined, user?: SessionUser) => {
    c.set('user', user);
    if (user) c.get('log').setUser(user.id);
    if (!bearer && cookie && UNSAFE.has(c.req.method)) {
      const origin = c.req.header('origin');
      if (origin && origin !== new URL(c.req.url).origin) {
        throw new AppError(403, 'forbidden', 'Cross-origin request refused.');
      }
    }
  };
  return (c) => {
    const bearer = /^Bearer (\S+)$/.exec(c.req.header('authorization') ?? '')?.[1];
    const cookie = bearer ? undefined : getCookie(c, 'sid');
    const token = bearer ?? cookie;
    c.set('sessionToken', token);
    c.set('sessionUnavailable', false);
    const found = token === undefined ? { user: undefined } : deps.sessions.lookup(token);
    if (!(found instanceof Promise)) return finish(c, bearer, cookie, found.user);
    return found.then(
      (user) => finish(c, bearer, cookie, user),
      () => {
        // Redis is down: anonymous browsing goes on; routes that need the user answer 503.
        c.set('sessionUnavailable', true);
        finish(c, bearer, cookie);
      },
    );
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
