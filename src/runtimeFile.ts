import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Where `npm start` records the services it brought up itself (an embedded Postgres, a
 * private redis-server on a free port), so `ticketctl` run in the project finds them.
 */
export const RUNTIME_FILE = '.data/runtime.json';

export interface RuntimeRecord {
  databaseUrl: string;
  redisUrl: string;
  pid: number;
}

export function writeRuntime(record: RuntimeRecord): void {
  mkdirSync(dirname(RUNTIME_FILE), { recursive: true });
  writeFileSync(RUNTIME_FILE, `${JSON.stringify(record, null, 2)}\n`);
}

export function readRuntime(): RuntimeRecord | undefined {
  if (!existsSync(RUNTIME_FILE)) return undefined;
  return JSON.parse(readFileSync(RUNTIME_FILE, 'utf8')) as RuntimeRecord;
}

export function removeRuntime(): void {
  rmSync(RUNTIME_FILE, { force: true });
}

/** Where `npm start` keeps the ticket-signing secret it generated (TICKET_SECRET unset). */
export const TICKET_SECRET_FILE = '.data/ticket-secret';

/**
 * The kept ticket secret; with `create`, one is generated (32 random bytes, base64url) and
 * kept, readable by its owner only, when there is none yet. Codes stay valid across restarts.
 */
export function keptTicketSecret(options: { create: boolean }): string | undefined {
  if (existsSync(TICKET_SECRET_FILE)) return readFileSync(TICKET_SECRET_FILE, 'utf8').trim();
  if (!options.create) return undefined;
  mkdirSync(dirname(TICKET_SECRET_FILE), { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(TICKET_SECRET_FILE, `${secret}\n`, { mode: 0o600 });
  return secret;
}
