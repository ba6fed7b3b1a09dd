import bcrypt from 'bcrypt';

/** bcrypt's work factor for every stored password (sign-up, the CLI, the admin at start). */
export const BCRYPT_COST = 12;

/** The one password rule: 8 to 72 bytes (bcrypt reads no more than 72). */
export const PASSWORD_RULE = '8 to 72 bytes';

export function isAcceptablePassword(password: string): boolean {
  const bytes = Buffer.byteLength(password);
  return bytes >= 8 && bytes <= 72;
}

export const hashPassword = (password: string) => bcrypt.hash(password, BCRYPT_COST);
