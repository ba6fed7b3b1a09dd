import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { checkPassword, register, type Account } from '../../services/accounts.js';
import type { AppDeps, AppEnv } from '../appDeps.js';
import { AppError } from '../errors.js';
import { requireUser } from '../middleware/auth.js';
import { ApiRoutes, json, jsonRequest, operation, problems } from '../openapi.js';
import { loginSchema, registerSchema, sessionSchema, userSchema } from '../schemas.js';

const registerOp = operation(
  { operationId: 'register', tag: 'Auth' },
  {
    method: 'post',
    path: '/register',
    summary: 'Create an account (role user) and a session; sets the cookie sid',
    request: jsonRequest(registerSchema),
    responses: { 201: json(sessionSchema, 'The account and its session token'), ...problems({ 409: 'email_taken' }) },
  },
);
const loginOp = operation(
  { operationId: 'login', tag: 'Auth' },
  {
    method: 'post',
    path: '/login',
    summary: 'Start a new session (the one the client came with ends); sets the cookie sid',
    request: jsonRequest(loginSchema),
    responses: {
      200: json(sessionSchema, 'The account and its new session token'),
      ...problems({ 401: 'invalid_credentials (the same for an unknown email)' }),
    },
  },
);
const logoutOp = operation(
  { operationId: 'logout', tag: 'Auth', role: 'user' },
  {
    method: 'post',
    path: '/logout',
    summary: 'Destroy the session',
    responses: { 204: { description: 'The session is gone' } },
  },
);
const meOp = operation(
  { operationId: 'me', tag: 'Auth', role: 'user' },
  {
    method: 'get',
    path: '/me',
    summary: 'The caller',
    responses: { 200: json(z.strictObject({ user: userSchema }), 'The signed-in account') },
  },
);

export function authRoutes(deps: AppDeps) {
  const app = new ApiRoutes();

  async function startSession(c: Context<AppEnv>, user: Account) {
    const token = await deps.sessions.create(user);
    setCookie(c, 'sid', token, {
      httpOnly: true,
      sameSite: 'Lax',
      path: '/',
      secure: deps.cookieSecure,
      maxAge: 24 * 60 * 60,
    });
    return { user, token };
  }

  app.openapi(registerOp, async (c) => {
    const user = await register(deps.pool, c.req.valid('json'));
    if (!user) throw new AppError(409, 'email_taken', 'An account with this email exists.');
    return c.json(await startSession(c, user), 201);
  });

  app.openapi(loginOp, async (c) => {
    const body = c.req.valid('json');
    const user = await checkPassword(deps.pool, body.email, body.password);
    if (!user) throw new AppError(401, 'invalid_credentials', 'Wrong email or password.');
    const previous = c.get('sessionToken');
    if (previous) await deps.sessions.destroy(previous);
    return c.json(await startSession(c, user), 200);
  });

  app.openapi(logoutOp, async (c) => {
    requireUser(c);
    await deps.sessions.destroy(c.get('sessionToken')!);
    deleteCookie(c, 'sid', { path: '/' });
    return c.body(null, 204);
  });

  app.openapi(meOp, (c) => c.json({ user: requireUser(c) }, 200));
  return app;
}
