import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppDeps, AppEnv } from '../env.js';
import { AppError } from '../errors.js';

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
    c.set('user', token ? await deps.sessions.get(token) : undefined);
    if (!bearer && cookie && UNSAFE.has(c.req.method)) {
      const origin = c.req.header('origin');
      if (origin && origin !== new URL(c.req.url).origin) {
        throw new AppError(403, 'forbidden', 'Cross-origin request refused.');
      }
    }
    await next();
  };
}

export function requireUser(c: { get(key: 'user'): AppEnv['Variables']['user'] }) {
  const user = c.get('user');
  if (!user) throw new AppError(401, 'unauthenticated', 'Log in first.');
  return user;
}

export function requireAdmin(c: { get(key: 'user'): AppEnv['Variables']['user'] }) {
  const user = requireUser(c);
  if (user.role !== 'admin') throw new AppError(403, 'forbidden', 'Admins only.');
  return user;
}
