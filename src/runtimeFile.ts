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
