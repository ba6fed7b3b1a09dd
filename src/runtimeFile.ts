import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { processAlive } from './infra/processes.js';

/**
 * Where `npm start` records itself and the services it brought up (an embedded Postgres, a
 * private redis-server on a free port), so `ticketctl` run in the project finds them, and a
 * second `npm start` in the same data directory knows one is running: `<DATA_DIR>/runtime.json`.
 */
export const runtimeFile = (dataDir: string) => join(dataDir, 'runtime.json');

export interface RuntimeRecord {
  /** the server process (`npm start`'s node) */
  pid: number;
  /** where it listens; the port asked for while it starts, the address once it serves */
  port: number;
  url?: string;
  databaseUrl?: string;
  redisUrl?: string;
}

export function writeRuntime(dataDir: string, record: RuntimeRecord): void {
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(runtimeFile(dataDir), `${JSON.stringify(record, null, 2)}\n`);
}

/**
 * The record, and whether the process it names still runs: a record left by a process that
 * died (kill -9, a power cut) is `stale` and names services that may be gone or reused.
 */
export function readRuntime(dataDir: string): { record: RuntimeRecord; stale: boolean } | undefined {
  const file = runtimeFile(dataDir);
  if (!existsSync(file)) return undefined;
  let record: RuntimeRecord;
  try {
    record = JSON.parse(readFileSync(file, 'utf8')) as RuntimeRecord;
  } catch {
    return undefined; // a half-written file: its writer died while writing it
  }
  return { record, stale: !Number.isInteger(record.pid) || !processAlive(record.pid) };
}

/**
 * Claims the data directory for this process: refused (with the record of the one running)
 * while another live process holds it; a stale record is replaced.
 */
export function claimRuntime(dataDir: string, port: number): { ok: true } | { ok: false; running: RuntimeRecord } {
  mkdirSync(dataDir, { recursive: true });
  const mine: RuntimeRecord = { pid: process.pid, port };
  for (;;) {
    try {
      // exclusive create: of two starts at the same instant, one gets the file
      writeFileSync(runtimeFile(dataDir), `${JSON.stringify(mine, null, 2)}\n`, { flag: 'wx' });
      return { ok: true };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const existing = readRuntime(dataDir);
    if (existing && !existing.stale) return { ok: false, running: existing.record };
    rmSync(runtimeFile(dataDir), { force: true });
  }
}

export function removeRuntime(dataDir: string): void {
  const existing = readRuntime(dataDir);
  if (!existing || existing.record.pid === process.pid) rmSync(runtimeFile(dataDir), { force: true });
}

/**
 * The kept ticket secret (`<DATA_DIR>/ticket-secret`); with `create`, one is generated (32
 * random bytes, base64url) and kept, readable by its owner only, when there is none yet.
 * Codes stay valid across restarts.
 */
export function keptTicketSecret(dataDir: string, options: { create: boolean }): string | undefined {
  const file = join(dataDir, 'ticket-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  if (!options.create) return undefined;
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
