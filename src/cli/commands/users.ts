import { randomUUID } from 'node:crypto';
import { hashPassword, isAcceptablePassword, PASSWORD_RULE } from '../../services/passwords.js';
import { insertUser, upsertAdmin, type Role } from '../../persist/repositories/users.js';
import { CliError, progress, type Report } from '../output.js';
import type { Runtime } from '../runtime.js';

/** Creates a user (or an admin) with a password read from a prompt or stdin, never from argv. */
export async function createUser(
  rt: Runtime,
  opts: { email: string; name: string; admin?: boolean; role?: Role },
  password: string,
): Promise<Report> {
  const role = opts.role ?? (opts.admin ? 'admin' : 'user');
  if (opts.admin && role !== 'admin') throw new CliError('--admin and --role disagree');
  if (!isAcceptablePassword(password)) throw new CliError(`the password must be ${PASSWORD_RULE}`);
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(opts.email)) throw new CliError(`not an email address: ${opts.email}`);
  const passwordHash = await hashPassword(password);
  const user = { id: randomUUID(), email: opts.email, name: opts.name, password_hash: passwordHash };
  const row = role === 'admin' ? await upsertAdmin(rt.pool, user) : await insertUser(rt.pool, { ...user, role });
  if (!row)
    return { data: { created: false, email: opts.email }, text: `an account with ${opts.email} exists`, finding: true };
  return {
    data: { created: true, user: { id: row.id, email: row.email, name: row.name, role: row.role } },
    text: `created ${row.role} ${row.email} (${row.id})`,
  };
}

/** Creates `count` buyer accounts with live sessions and prints their tokens (for load tests). */
export async function tokens(rt: Runtime, count: number): Promise<Report> {
  const { sessions } = rt;
  // one hash for all: load-test buyers never log in with a password
  const passwordHash = await hashPassword(randomUUID());
  const batch = `loadtest-${Date.now().toString(36)}`;
  const made: string[] = [];
  const tick = progress('buyers', count);
  for (let i = 0; i < count; i += 200) {
    made.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(200, count - i) }, async (_, j) => {
          const user = await insertUser(rt.pool, {
            id: randomUUID(),
            email: `${batch}-${i + j}@loadtest.invalid`,
            name: 'Load Buyer',
            password_hash: passwordHash,
          });
          return sessions.create({ id: user!.id, email: user!.email, name: user!.name, role: 'user' });
        }),
      )),
    );
    tick(made.length);
  }
  return { data: made, text: JSON.stringify(made) };
}
