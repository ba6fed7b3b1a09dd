import { randomUUID } from 'node:crypto';
import bcrypt from 'bcrypt';
import type { Pool } from 'pg';
import { findUserByEmail, insertUser, publicUser } from '../persist/repositories/users.js';
import { BCRYPT_COST, hashPassword } from './passwords.js';

/** A signed-up account as the API shows it (no password hash). */
export type Account = ReturnType<typeof publicUser>;

// Compared against when the email is unknown, so both failures cost the same time: same cost,
// hashed once on the threadpool.
const NO_SUCH_USER_HASH = bcrypt.hash('no such user, no such password', BCRYPT_COST);

/** A new account with the role `user`; undefined when the email is taken (in any letter case). */
export async function register(
  pool: Pool,
  input: { email: string; password: string; name: string },
): Promise<Account | undefined> {
  const hash = await hashPassword(input.password);
  const user = await insertUser(pool, { id: randomUUID(), email: input.email, name: input.name, password_hash: hash });
  return user && publicUser(user);
}

/** The account with this email and password; a wrong password and an unknown email cost the same bcrypt comparison. */
export async function checkPassword(pool: Pool, email: string, password: string): Promise<Account | undefined> {
  const user = await findUserByEmail(pool, email);
  const matches = await bcrypt.compare(password, user?.password_hash ?? (await NO_SUCH_USER_HASH));
  return user && matches ? publicUser(user) : undefined;
}
