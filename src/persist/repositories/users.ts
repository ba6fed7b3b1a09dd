import type { Pool } from 'pg';

/** a scanner checks tickets in at the door and may do nothing else an admin may */
export type Role = 'user' | 'admin' | 'scanner';

export interface UserRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  password_hash: string;
}

export const publicUser = (u: UserRow) => ({ id: u.id, email: u.email, name: u.name, role: u.role });

const COLUMNS = 'id, email, name, role, password_hash';

/** Inserts a user; undefined when the email is taken (any letter case). */
export async function insertUser(
  pool: Pool,
  user: Omit<UserRow, 'role'> & { role?: Role },
): Promise<UserRow | undefined> {
  const { rows } = await pool.query<UserRow>(
    `INSERT INTO users (id, email, name, password_hash, role) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT DO NOTHING RETURNING ${COLUMNS}`,
    [user.id, user.email, user.name, user.password_hash, user.role ?? 'user'],
  );
  return rows[0];
}

export async function findUserByEmail(pool: Pool, email: string): Promise<UserRow | undefined> {
  const { rows } = await pool.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE lower(email) = lower($1)`, [email]);
  return rows[0];
}

export async function findUserById(pool: Pool, id: string): Promise<UserRow | undefined> {
  const { rows } = await pool.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE id = $1`, [id]);
  return rows[0];
}

/** Creates the admin, or makes the existing account with that email an admin with that password. */
export async function upsertAdmin(pool: Pool, user: Omit<UserRow, 'role'>): Promise<UserRow> {
  const { rows } = await pool.query<UserRow>(
    `INSERT INTO users (id, email, name, password_hash, role) VALUES ($1, $2, $3, $4, 'admin')
     ON CONFLICT (lower(email)) DO UPDATE SET password_hash = EXCLUDED.password_hash, role = 'admin'
     RETURNING ${COLUMNS}`,
    [user.id, user.email, user.name, user.password_hash],
  );
  return rows[0]!;
}
