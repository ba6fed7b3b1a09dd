import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../src/infra/redisServer.js';
import { readRuntime } from '../../src/runtimeFile.js';
import { spawnApi, TSX, type ApiProcess } from '../support/apiProcess.js';
import { freshDatabase, type TestDatabase } from '../support/postgres.js';

/**
 * `npm start`'s server run in a directory of its own (its .data/ there), on a database of
 * its own and the private redis-server it starts itself, as a newcomer runs it.
 */
let cwd: string;
let db: TestDatabase;
const running: ApiProcess[] = [];
beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), 'tk-start-'));
  db = await freshDatabase();
});
// a test that failed half-way leaves no server behind for the next one
afterEach(async () => {
  for (const api of running.splice(0)) {
    api.child.kill('SIGTERM');
    await api.exited;
  }
});
afterAll(async () => {
  await db.drop();
  rmSync(cwd, { recursive: true, force: true });
});

const env = async (extra: Record<string, string> = {}) => ({
  DATABASE_URL: db.url,
  PORT: String(await freePort()),
  RATE_LIMITS: 'off',
  ...extra,
});
async function start(extra: Record<string, string> = {}) {
  const api = await spawnApi(await env(extra), { cwd });
  running.push(api);
  return api;
}
async function stop(api: ApiProcess) {
  api.child.kill('SIGTERM');
  expect(await api.exited).toBe(0);
  running.splice(running.indexOf(api), 1);
}
const logLines = (output: string) =>
  output
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** Runs a command to its end in `cwd`; resolves with its exit code and output. */
function run(args: string[], envOverrides: Record<string, string | undefined>) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', TSX, ...args], {
      cwd,
      env: { ...process.env, LOG_LEVEL: 'silent', ...envOverrides },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('npm start in a fresh directory', () => {
  it('writes its start-up lines through the logger at once: each step is out by the time it listens', async () => {
    const api = await start({ LOG_LEVEL: 'info' });
    const lines = logLines(api.startOutput);
    const events = lines.map((l) => l.event);
    // the steps before "listening" are out already, not waiting for a 4 KiB buffer to fill
    expect(events).toEqual(
      expect.arrayContaining(['private_redis_started', 'sample_data_created', 'actors_checked', 'listening']),
    );
    expect(events.indexOf('private_redis_started')).toBeLessThan(events.indexOf('listening'));
    expect(lines.find((l) => l.event === 'listening')).toMatchObject({
      url: api.url,
      msg: `ticketing API listening on ${api.url}`,
    });
    await stop(api);
  });

  it('says where its services are whatever LOG_LEVEL is: the start-up lines are written at warn too', async () => {
    const api = await start({ LOG_LEVEL: 'warn' });
    expect(logLines(api.startOutput).map((l) => l.event)).toEqual(
      expect.arrayContaining(['private_redis_started', 'listening']),
    );
    await stop(api);
  });

  it('keeps its Redis under .data/redis (AOF, fsync always): a restart keeps sessions', async () => {
    const first = await start();
    const { redisUrl } = readRuntime(join(cwd, '.data'))!.record;
    const redis = new Redis(redisUrl!);
    try {
      expect(await redis.config('GET', 'appendfsync')).toEqual(['appendfsync', 'always']);
      expect(await redis.config('GET', 'dir')).toEqual(['dir', join(cwd, '.data', 'redis')]);
    } finally {
      redis.disconnect();
    }
    const registered = await fetch(`${first.url}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `${randomUUID()}@x.test`, password: 'correct horse', name: 'Kept' }),
    });
    expect(registered.status).toBe(201);
    const cookie = registered.headers.get('set-cookie')!.split(';')[0]!;
    await stop(first);

    const second = await start();
    const me = await fetch(`${second.url}/api/auth/me`, { headers: { cookie } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { user: { name: string } }).user.name).toBe('Kept');
    await stop(second);
  });

  it('a second start in the same directory says one is running (pid, address) and exits 1', async () => {
    const first = await start();
    const second = await run([new URL('../../src/main.ts', import.meta.url).pathname], await env());
    expect(second.code).toBe(1);
    expect(second.output).toContain(
      `npm start is already running in ${join(cwd, '.data')}: pid ${first.child.pid}, ${first.url}`,
    );
    // the first one is untouched
    expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
    await stop(first);
  });

  it('ticketctl does not use the services a runtime.json of a dead process names', async () => {
    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((r) => dead.on('exit', r));
    mkdirSync(join(cwd, '.data'), { recursive: true });
    // the services it names answer (a port reused since): only the dead pid tells it is stale
    writeFileSync(
      join(cwd, '.data', 'runtime.json'),
      JSON.stringify({
        pid: dead.pid,
        port: 3000,
        url: 'http://127.0.0.1:3000',
        databaseUrl: db.url,
        redisUrl: inject('redisUrl'),
      }),
    );
    const status = await run([new URL('../../src/cli/main.ts', import.meta.url).pathname, 'status'], {
      DATABASE_URL: undefined,
      REDIS_URL: undefined,
    });
    expect(status.code).toBe(2);
    expect(status.output).toContain(`is left over from npm start pid ${dead.pid}, which is no longer running`);
  });
});
