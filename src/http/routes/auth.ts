import { randomUUID } from 'node:crypto';
import bcrypt from 'bcrypt';
import { Hono, type Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { findUserByEmail, insertUser, publicUser, type UserRow } from '../../persist/repositories/users.js';
import { jsonBody } from '../body.js';
import type { AppDeps, AppEnv } from '../appDeps.js';
import { AppError } from '../errors.js';
import { requireUser } from '../middleware/auth.js';
import { BCRYPT_COST, hashPassword } from '../../services/passwords.js';
import { loginSchema, registerSchema } from '../schemas.js';

// Compared against when the email is unknown, so both failures cost the same time: same cost,
// hashed once on the threadpool.
const NO_SUCH_USER_HASH = bcrypt.hash('no such user, no such password', BCRYPT_COST);

export function authRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();

  async function startSession(c: Context<AppEnv>, user: UserRow) {
    const token = await deps.sessions.create(publicUser(user));
    setCookie(c, 'sid', token, {
      httpOnly: true, sameSite: 'Lax', path: '/', secure: deps.cookieSecure, maxAge: 24 * 60 * 60,
    });
    return { user: publicUser(user), token };
  }

  app.post('/register', async (c) => {
    const body = await jsonBody(c, registerSchema);
    const hash = await hashPassword(body.password);
    const user = await insertUser(deps.pool, { id: randomUUID(), email: body.email, name: body.name, password_hash: hash });
    if (!user) throw new AppError(409, 'email_taken', 'An account with this email exists.');
    return c.json(await startSession(c, user), 201);
  });

  app.post('/login', async (c) => {
    const body = await jsonBody(c, loginSchema);
    const user = await findUserByEmail(deps.pool, body.email);
    const matches = await bcrypt.compare(body.password, user?.password_hash ?? (await NO_SUCH_USER_HASH));
    if (!user || !matches) throw new AppError(401, 'invalid_credentials', 'Wrong email or password.');
    const previous = c.get('sessionToken');
    if (previous) await deps.sessions.destroy(previous);
    return c.json(await startSession(c, user), 200);
  });

  app.post('/logout', async (c) => {
    requireUser(c);
    await deps.sessions.destroy(c.get('sessionToken')!);
    deleteCookie(c, 'sid', { path: '/' });
    return c.body(null, 204);
  });

  app.get('/me', (c) => c.json({ user: requireUser(c) }));
  return app;
}
