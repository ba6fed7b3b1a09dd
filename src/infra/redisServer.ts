import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

/** A private redis-server on a free loopback port, in its own dir (a temp dir unless given), stopped by pid. */
export interface PrivateRedis {
  url: string;
  port: number;
  dir: string;
  pid(): number | undefined;
  /** SIGKILL, like a crash; the data dir (and its AOF) stays for a restart */
  kill(): Promise<void>;
  /** starts again on the same port and dir (replays the AOF when appendonly is on) */
  restart(): Promise<void>;
  /** SIGSTOP: the server hangs with its connections open, like a stalled host */
  pause(): void;
  /** SIGCONT after pause() */
  resume(): void;
  /** SIGTERM (Redis writes its AOF and exits); a temp dir is then deleted, a given dir kept */
  stop(): Promise<void>;
}

export interface PrivateRedisOptions {
  appendOnly?: boolean;
  port?: number;
  /**
   * Cluster mode, one node serving every slot: commands work as on a plain server, but
   * Redis refuses any command, MULTI or script that spans two slots (CROSSSLOT), as a real
   * cluster would. The test suite runs on such a server so a cross-slot operation fails it.
   */
  cluster?: boolean;
  /** keep the data here across stops (`npm start`: .data/redis); by default a temp dir deleted on stop */
  dir?: string;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function waitForPing(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.ping();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 25));
    } finally {
      client.disconnect();
    }
  }
}

/** A one-node cluster: this node takes every slot (once; a restart keeps nodes.conf), then serves. */
async function ownAllSlots(url: string, timeoutMs: number): Promise<void> {
  const client = new Redis(url, { maxRetriesPerRequest: 0 });
  try {
    const info = async () => String(await client.call('CLUSTER', 'INFO'));
    if ((await info()).includes('cluster_slots_assigned:0'))
      await client.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
    const deadline = Date.now() + timeoutMs;
    while (!(await info()).includes('cluster_state:ok')) {
      if (Date.now() > deadline) throw new Error('the one-node cluster did not reach cluster_state:ok');
      await new Promise((r) => setTimeout(r, 25));
    }
  } finally {
    client.disconnect();
  }
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

export async function startPrivateRedis(options: PrivateRedisOptions = {}): Promise<PrivateRedis> {
  const port = options.port ?? (await freePort());
  if (options.dir) mkdirSync(options.dir, { recursive: true });
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'tk-redis-'));
  const url = `redis://127.0.0.1:${port}`;
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    options.appendOnly ? 'yes' : 'no',
    '--appendfsync',
    'always',
    '--maxmemory-policy',
    'noeviction',
    '--logfile',
    join(dir, 'redis.log'),
    ...(options.cluster ? ['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, 'nodes.conf')] : []),
  ];
  let child: ChildProcess;
  const launch = async () => {
    child = spawn('redis-server', args, { stdio: 'ignore' });
    await waitForPing(url, 10_000);
    if (options.cluster) await ownAllSlots(url, 10_000);
  };
  await launch();
  const kill = async () => {
    child.kill('SIGKILL');
    await exited(child);
  };
  return {
    url,
    port,
    dir,
    pid: () => child.pid,
    kill,
    restart: launch,
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    async stop() {
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      const slow = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited(child);
      clearTimeout(slow);
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
